package io.ringlb.spi;

import io.ringlb.api.InvalidConfigException;

/**
 * Runs replicas: as Docker containers, as local processes, or however a plugin likes.
 *
 * <p>Found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/io.ringlb.spi.ReplicaProvider}; {@code lb.provider} selects one by name, or
 * the available one of highest priority is used. Its settings are the properties under {@code
 * lb.provider.<name>.}
 */
public interface ReplicaProvider extends Plugin {

  /**
   * Checks the settings once and connects to whatever runs the replicas.
   *
   * @throws InvalidConfigException naming the first setting that cannot be used
   */
  ReplicaLauncher create(PluginConfig config);
}
