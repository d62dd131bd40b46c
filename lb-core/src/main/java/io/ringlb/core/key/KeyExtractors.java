package io.ringlb.core.key;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestKeyExtractor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Builds the {@link RequestKeyExtractor} that {@code lb.key} names:
 *
 * <ul>
 *   <li>{@code random-id}: the exercise's random 6-digit request id, drawn per request;
 *   <li>{@code path}: the request path, as HAProxy's {@code balance uri};
 *   <li>{@code uri}: the path and query string, as nginx's {@code hash $request_uri} and
 *       HAProxy's {@code balance uri whole};
 *   <li>{@code header:<name>}, {@code query:<name>}, {@code cookie:<name>}: that value;
 *   <li>{@code client-address}: the client's address, as HAProxy's {@code balance source}.
 * </ul>
 *
 * A request that lacks the header, parameter or cookie gets a random id, as Envoy does when a
 * hash policy yields no hash: it is spread evenly instead of piling onto one replica.
 */
public final class KeyExtractors {

  /** The property that names the extractor. */
  public static final String KEY = "lb.key";

  private static final String ACCEPTED =
      "random-id, path, uri, header:<name>, query:<name>, cookie:<name>, client-address";

  /** Draws on the calling thread's own generator, so concurrent requests never contend. */
  private static final RandomGenerator THREAD_LOCAL = () -> ThreadLocalRandom.current().nextLong();

  private KeyExtractors() {}

  /** @throws InvalidConfigException naming {@code lb.key} and the accepted forms */
  public static RequestKeyExtractor parse(String spec) {
    return parse(spec, THREAD_LOCAL);
  }

  /** As {@link #parse(String)}, with the random source for {@code random-id} and fallbacks. */
  public static RequestKeyExtractor parse(String spec, RandomGenerator random) {
    String trimmed = spec.strip();
    int colon = trimmed.indexOf(':');
    String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
    String argument = colon < 0 ? "" : trimmed.substring(colon + 1).strip();
    RandomIdKey fallback = new RandomIdKey(random);
    return switch (kind) {
      case "random-id" -> noArgument(kind, argument, fallback);
      case "path" -> noArgument(kind, argument, new PathKey());
      case "uri" -> noArgument(kind, argument, new UriKey());
      case "client-address" -> noArgument(kind, argument, new ClientAddressKey());
      case "header" -> {
        String name = named(kind, argument);
        yield new AttributeKey(trimmed, request -> request.header(name), fallback);
      }
      case "query" -> {
        String name = named(kind, argument);
        yield new AttributeKey(trimmed, request -> request.queryParameter(name), fallback);
      }
      case "cookie" -> {
        String name = named(kind, argument);
        yield new AttributeKey(trimmed, request -> request.cookie(name), fallback);
      }
      default -> throw new InvalidConfigException(KEY, "'" + spec + "' is not accepted (accepted: " + ACCEPTED + ")");
    };
  }

  private static RequestKeyExtractor noArgument(String kind, String argument, RequestKeyExtractor extractor) {
    if (!argument.isEmpty()) {
      throw new InvalidConfigException(KEY, "'" + kind + "' takes no ':<name>' (accepted: " + ACCEPTED + ")");
    }
    return extractor;
  }

  private static String named(String kind, String argument) {
    if (argument.isEmpty()) {
      throw new InvalidConfigException(KEY, "'" + kind + "' needs a name, as in '" + kind + ":<name>'");
    }
    return argument;
  }
}
