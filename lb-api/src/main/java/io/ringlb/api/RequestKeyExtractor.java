package io.ringlb.api;

/**
 * Turns a request into the key a {@link HashRing} routes by: the exercise's random request id,
 * or a hash of the path, a header, a query parameter, a cookie or the client address.
 */
@FunctionalInterface
public interface RequestKeyExtractor {

  long keyOf(RequestAttributes request);
}
