package io.ringlb.spi;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;

/**
 * A hash strategy: builds the empty {@link HashRing} that replicas are then added to.
 *
 * <p>Found with {@link java.util.ServiceLoader}: a jar that lists its implementation in {@code
 * META-INF/services/io.ringlb.spi.HashStrategyProvider} adds a strategy, and the property
 * {@code lb.strategy} selects it by {@link #name()}. Its settings are the properties under
 * {@code lb.strategy.<name>.}
 */
public interface HashStrategyProvider extends Plugin {

  /**
   * Checks the settings once and builds an empty ring that carries them.
   *
   * @throws InvalidConfigException naming the first setting that cannot be used
   */
  HashRing create(PluginConfig config);
}
