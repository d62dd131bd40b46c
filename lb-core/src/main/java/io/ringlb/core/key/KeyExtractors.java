package io.ringlb.core.key;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the {@link RequestKeyExtractor} that {@code lb.key} names, from the {@link
 * KeyExtractorProvider}s on offer: the balancer's own ({@link BuiltInKeys}) and any plugin's.
 *
 * <p>A comma-separated chain, such as {@code header:X-User,cookie:session,client-address}, keys a
 * request by the first link that has a key text for it, as Envoy's hash policies and Caddy's
 * fallbacks do. A request that has none gets a random id, as Envoy does when no hash policy
 * yields a hash: it is spread evenly instead of piling onto one replica. Only the last link may be
 * one that keys every request ({@code path}, {@code uri}, {@code client-address}, {@code
 * random-id}): a link after it would never be used.
 */
public final class KeyExtractors {

  /** The property that names the extractor. */
  public static final String KEY = "lb.key";

  /** What {@link #KEY} is when not set: the exercise's random request id. */
  public static final String DEFAULT = "random-id";

  private KeyExtractors() {}

  /** The key providers this class's own loader sees: the balancer's, and any plugin on the same class path. */
  public static PluginRegistry<KeyExtractorProvider> onClassPath() {
    return PluginRegistry.load(KeyExtractorProvider.class, KeyExtractors.class.getClassLoader());
  }

  /** As {@link #parse(String, PluginRegistry, Function)} with the providers {@link #onClassPath()} and no settings. */
  public static RequestKeyExtractor parse(String spec) {
    return parse(spec, onClassPath(), name -> Optional.empty());
  }

  /**
   * @param properties the application's properties; a provider reads those under {@code lb.key.<name>.}
   * @throws InvalidConfigException naming {@code lb.key} and what is available, or the setting a provider refuses
   */
  public static RequestKeyExtractor parse(String spec, PluginRegistry<KeyExtractorProvider> providers, Function<String, Optional<String>> properties) {
    String[] links = spec.split(",", -1);
    List<String> specs = new ArrayList<>();
    List<RequestKeyExtractor> chain = new ArrayList<>();
    boolean ownKeyOfEveryRequest = false;
    for (int i = 0; i < links.length; i++) {
      String link = links[i].strip();
      if (link.isEmpty()) {
        throw new InvalidConfigException(KEY, "'" + spec + "' has an empty link in its chain (a chain is as in 'header:X-User,cookie:session,client-address')");
      }
      int colon = link.indexOf(':');
      String name = colon < 0 ? link : link.substring(0, colon).strip();
      String argument = colon < 0 ? "" : link.substring(colon + 1).strip();
      KeyExtractorProvider provider = providers.find(name).orElseThrow(() -> new InvalidConfigException(KEY,
          "'" + link + "' is not accepted (available: " + available(providers) + ", or a chain of them separated by commas)"));
      boolean lastLink = i == links.length - 1;
      if (!lastLink && provider.keysEveryRequest()) {
        throw new InvalidConfigException(KEY, "'" + link + "' gives every request a key, so '" + links[i + 1].strip()
            + "' after it in '" + spec + "' would never be used; only a chain's last link may be one");
      }
      ownKeyOfEveryRequest = provider instanceof BuiltInKeys.EveryRequest;
      specs.add(link);
      chain.add(create(provider, link, argument, PluginConfig.of(KEY + "." + name, properties)));
      if (lastLink && !provider.keysEveryRequest()) {
        specs.add(DEFAULT);
        chain.add(RandomIdKey.threadLocal());
      }
    }
    if (links.length == 1 && ownKeyOfEveryRequest) {
      return chain.get(0); // the balancer's own key alone, as by default: nothing to fall back on, nothing that throws
    }
    return new ChainKey(spec.strip(), specs, chain);
  }

  /** A provider's own {@link InvalidConfigException} as it is; anything else it throws, named as the link that could not be built. */
  private static RequestKeyExtractor create(KeyExtractorProvider provider, String link, String argument, PluginConfig config) {
    try {
      return provider.create(argument, config);
    } catch (InvalidConfigException refused) {
      throw refused;
    } catch (RuntimeException | LinkageError failed) {
      InvalidConfigException unbuilt = new InvalidConfigException(KEY, "'" + link + "' could not be built by " + provider.getClass().getName() + ": " + failed);
      unbuilt.initCause(failed);
      throw unbuilt;
    }
  }

  private static String available(PluginRegistry<KeyExtractorProvider> providers) {
    return providers.all().stream().map(KeyExtractorProvider::usage).collect(Collectors.joining(", "));
  }
}
