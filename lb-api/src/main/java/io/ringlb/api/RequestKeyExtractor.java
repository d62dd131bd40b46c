package io.ringlb.api;

import java.util.Optional;

/**
 * Turns a request into the key a {@link HashRing} routes by: the exercise's random request id,
 * or a hash of the path, a header, a query parameter, a cookie or the client address.
 */
@FunctionalInterface
public interface RequestKeyExtractor {

  long keyOf(RequestAttributes request);

  /**
   * The text {@link #keyOf} makes {@code request}'s key of, for a lookup to show (the header's
   * value, the path); empty when the key is not made of the request, as a random id is not. Never
   * called on the request path.
   */
  default Optional<String> keyText(RequestAttributes request) {
    return Optional.empty();
  }
}
