package io.ringlb.provider.process;

import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;

/**
 * {@code process}: each replica a Liberty server process of its own on a free loopback port.
 * Always available, at the lowest priority, so it is chosen when nothing better (Docker)
 * answers.
 */
public final class ProcessReplicaProvider implements ReplicaProvider {

  /** The lowest port a replica process listens on; other tools on the machine choose theirs below it. */
  public static final int LOWEST_REPLICA_PORT = ReplicaPorts.LOWEST;

  @Override
  public String name() {
    return "process";
  }

  @Override
  public int priority() {
    return 1;
  }

  @Override
  public ReplicaLauncher create(PluginConfig config) {
    return new ProcessLauncher(ProcessSettings.from(config));
  }
}
