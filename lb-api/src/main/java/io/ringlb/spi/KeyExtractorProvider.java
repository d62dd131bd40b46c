package io.ringlb.spi;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestKeyExtractor;

/**
 * What requests are keyed by: builds the {@link RequestKeyExtractor} of one link of {@code
 * lb.key}.
 *
 * <p>Found with {@link java.util.ServiceLoader}: a jar that lists its implementation in {@code
 * META-INF/services/io.ringlb.spi.KeyExtractorProvider}, on the class path or in the plugins
 * directory, adds a key. {@code lb.key} selects it by {@link #name()}, alone ({@code jwt-claim}),
 * with an argument after a colon ({@code header:X-User}), or as a link of a comma-separated chain
 * ({@code jwt-claim,client-address}) where a request is keyed by the first link that has a
 * {@link RequestKeyExtractor#keyText key text} for it. Its settings are the properties under
 * {@code lb.key.<name>.}. The balancer's own keys ({@code random-id}, {@code path}, {@code uri},
 * {@code header}, {@code query}, {@code cookie}, {@code client-address}) are providers too.
 */
public interface KeyExtractorProvider extends Plugin {

  /**
   * Checks the argument and the settings once and builds the extractor.
   *
   * @param argument what follows the name and a colon in {@code lb.key}, stripped ({@code X-User}
   *     in {@code header:X-User}); empty when nothing does
   * @throws InvalidConfigException naming {@code lb.key} for an argument it cannot use, or the
   *     setting it refuses
   */
  RequestKeyExtractor create(String argument, PluginConfig config);

  /**
   * Whether every request has a key by this provider's extractors, as every request has a path
   * and a random id. Such a link ends a chain: a link after it would never be used. When false, a
   * request without a key text goes on to the chain's next link, and after the last to a random id.
   */
  default boolean keysEveryRequest() {
    return false;
  }

  /** How {@code lb.key} names this key, for the message that lists what is available: {@code header:<name>}. */
  default String usage() {
    return name();
  }
}
