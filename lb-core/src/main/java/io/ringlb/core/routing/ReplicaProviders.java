package io.ringlb.core.routing;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import io.ringlb.spi.UnknownPluginException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the launcher that configuration asks for: {@code lb.provider} and its settings, or,
 * when {@code lb.provider} is unset or {@code auto}, the available provider of highest
 * priority (Docker when an engine answers, local processes otherwise).
 */
public final class ReplicaProviders {

  /** The property that names the provider. */
  public static final String KEY = "lb.provider";

  private ReplicaProviders() {}

  public static ReplicaLauncher launcher(PluginRegistry<ReplicaProvider> registry, Map<String, String> properties) {
    return launcher(registry, name -> Optional.ofNullable(properties.get(name)));
  }

  /** As {@link #launcher(PluginRegistry, Map)}, looking properties up by full name. */
  public static ReplicaLauncher launcher(PluginRegistry<ReplicaProvider> registry, Function<String, Optional<String>> properties) {
    String name = properties.apply(KEY).map(String::strip).orElse("auto");
    ReplicaProvider provider;
    if (name.isEmpty() || name.equals("auto")) {
      provider = registry.best().orElseThrow(() -> new InvalidConfigException(KEY,
          "no replica provider is available here (found: " + (registry.names().isEmpty() ? "none" : String.join(", ", registry.names())) + ")"));
    } else {
      try {
        provider = registry.select(name);
      } catch (UnknownPluginException unknown) {
        throw new InvalidConfigException(KEY, unknown.getMessage());
      }
      if (!provider.isAvailable()) {
        throw new InvalidConfigException(KEY, "the '" + name + "' provider is not available here");
      }
    }
    return provider.create(PluginConfig.of(KEY + "." + provider.name(), properties));
  }
}
