package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.UnknownPluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Builds the empty ring that configuration asks for: {@code lb.strategy} and its settings. */
public final class HashStrategies {

  /** The property that names the strategy. */
  public static final String KEY = "lb.strategy";

  /** The strategy used when {@link #KEY} is not set: SPEC.md says why it is not {@code classic}. */
  public static final String DEFAULT = "ring";

  private HashStrategies() {}

  /**
   * @param properties the application's properties; the strategy reads those under {@code
   *     lb.strategy.<name>.}
   * @throws InvalidConfigException naming {@code lb.strategy} and the strategies available when
   *     the name is unknown, or naming the setting a strategy refuses
   */
  public static HashRing emptyRing(PluginRegistry<HashStrategyProvider> registry, Map<String, String> properties) {
    return emptyRing(registry, name -> Optional.ofNullable(properties.get(name)));
  }

  /** As {@link #emptyRing(PluginRegistry, Map)}, looking properties up by full name. */
  public static HashRing emptyRing(PluginRegistry<HashStrategyProvider> registry, Function<String, Optional<String>> properties) {
    String name = properties.apply(KEY).map(String::strip).filter(n -> !n.isEmpty()).orElse(DEFAULT);
    HashStrategyProvider provider;
    try {
      provider = registry.select(name);
    } catch (UnknownPluginException unknown) {
      throw new InvalidConfigException(KEY, unknown.getMessage());
    }
    return provider.create(PluginConfig.of(KEY + "." + name, properties));
  }

  /** Whether the strategy of this empty ring weighs replicas: it is asked to add one of weight 2, which costs an empty ring nothing. */
  public static boolean weighs(HashRing empty) {
    try {
      empty.with(new Replica("weight-probe", 0, "127.0.0.1", 1), 2);
      return true;
    } catch (UnsupportedOperationException weighsNone) {
      return false;
    }
  }

  /** The names of the strategies on offer that weigh replicas with their default settings, sorted. */
  public static List<String> weighing(PluginRegistry<HashStrategyProvider> registry) {
    List<String> weighing = new ArrayList<>();
    for (String name : registry.names()) {
      try {
        if (weighs(registry.select(name).create(PluginConfig.empty(KEY + "." + name)))) {
          weighing.add(name);
        }
      } catch (RuntimeException | LinkageError unbuilt) {
        // a strategy that cannot be built without settings, or from its jar, is not offered in a message
      }
    }
    return List.copyOf(weighing);
  }
}
