package io.ringlb.core.key;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestKeyExtractor;
import java.util.OptionalLong;
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
 * A comma-separated chain of them, such as {@code header:X-User,cookie:session,client-address},
 * keys a request by the first its request has, as Envoy's hash policies and Caddy's fallbacks
 * do. A request that lacks every header, parameter or cookie it names gets a random id, as Envoy
 * does when no hash policy yields a hash: it is spread evenly instead of piling onto one replica.
 * Only the last link may be one every request has ({@code path}, {@code uri},
 * {@code client-address}, {@code random-id}): a link after it would never be used.
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
    String[] links = spec.split(",", -1);
    RequestKeyExtractor next = new RandomIdKey(random);
    for (int i = links.length - 1; i >= 0; i--) {
      if (links[i].isBlank()) {
        throw new InvalidConfigException(KEY, "'" + spec + "' has an empty link in its chain (a chain is as in 'header:X-User,cookie:session,client-address')");
      }
      RequestKeyExtractor link = link(links[i], random, next);
      if (i < links.length - 1 && !(link instanceof AttributeKey)) {
        throw new InvalidConfigException(KEY, "'" + links[i].strip() + "' gives every request a key, so '" + links[i + 1].strip()
            + "' after it in '" + spec + "' would never be used; only a chain's last link may be one");
      }
      next = link;
    }
    return next;
  }

  /** One link of a chain: what a request that lacks its header, parameter or cookie is keyed by is {@code fallback}. */
  private static RequestKeyExtractor link(String spec, RandomGenerator random, RequestKeyExtractor fallback) {
    String trimmed = spec.strip();
    int colon = trimmed.indexOf(':');
    String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
    String argument = colon < 0 ? "" : trimmed.substring(colon + 1).strip();
    return switch (kind) {
      case "random-id" -> noArgument(kind, argument, new RandomIdKey(random));
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
      default -> throw new InvalidConfigException(KEY, "'" + trimmed + "' is not accepted (accepted: " + ACCEPTED + ", or a chain of them separated by commas)");
    };
  }

  /**
   * The key {@code extractor} gives a request whose key text is {@code text}, for a lookup of a
   * raw key: the text's hash, or for {@code random-id} the 6-digit number itself. Empty when
   * {@code extractor} would never give such a key: a random id that is not one.
   */
  public static OptionalLong keyOfText(RequestKeyExtractor extractor, String text) {
    if (extractor instanceof RandomIdKey) {
      try {
        int id = Integer.parseInt(text);
        return id >= RandomIdKey.LOWEST && id <= RandomIdKey.HIGHEST ? OptionalLong.of(id) : OptionalLong.empty();
      } catch (NumberFormatException notANumber) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(StringKeys.of(text));
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
