package io.ringlb.api;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns a request into the key a {@link HashRing} routes by: the exercise's random request id,
 * or a hash of the path, a header, a query parameter, a cookie, the client address, or whatever
 * a key plugin reads ({@link io.ringlb.spi.KeyExtractorProvider}).
 *
 * <p>A key made of text says so: {@link #keyText} gives the text, and {@link #keyOfText} the key
 * that text makes, so that a lookup of a raw key (a user's id) finds where that user's requests
 * go. {@code lb.key}'s chains read a request's text once and key it with {@link #keyOfText}.
 * Called on the data plane's event loops for every request: cheap, never blocking, and for a
 * malformed request an empty text rather than an exception.
 */
@FunctionalInterface
public interface RequestKeyExtractor {

  /**
   * The key of {@code request}. For an extractor whose provider does not key every request, asked
   * only of requests whose {@link #keyText} is present.
   */
  long keyOf(RequestAttributes request);

  /**
   * The text {@link #keyOf} makes {@code request}'s key of (the header's value, the path); empty
   * when the request has no such text, so a chain goes on to its next link, or when the key is
   * not made of the request, as a random id is not.
   */
  default Optional<String> keyText(RequestAttributes request) {
    return Optional.empty();
  }

  /**
   * The key of a request whose {@link #keyText} is {@code text}: {@code keyOf(request) ==
   * keyOfText(keyText(request))} whenever the text is present. Empty when this extractor makes
   * no key of text, or none of this text (a random id that is not one).
   */
  default OptionalLong keyOfText(String text) {
    return OptionalLong.empty();
  }
}
