package io.ringlb.core.key;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A parameter of a raw query string, decoded. The body is never read for it: a form body
 * belongs to the replica.
 */
public final class QueryParameters {

  private QueryParameters() {}

  /** The first value of {@code name} in {@code query} (the part after {@code ?}), empty for a bare name. */
  public static Optional<String> find(String query, String name) {
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (decoded(equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
        return Optional.of(equals < 0 ? "" : decoded(pair.substring(equals + 1)));
      }
    }
    return Optional.empty();
  }

  /** A malformed escape such as {@code %zz} is a key like any other, not a reason to fail the request. */
  private static String decoded(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return part;
    }
  }
}
