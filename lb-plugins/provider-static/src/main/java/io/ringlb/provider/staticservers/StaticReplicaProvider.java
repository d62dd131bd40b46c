package io.ringlb.provider.staticservers;

import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;

/**
 * {@code static}: replicas that someone else runs, at the addresses {@code
 * lb.provider.static.servers} lists, as HAProxy's {@code server} lines or Envoy's static
 * cluster. The balancer routes to them and heartbeats them; it never starts or stops one.
 * Never chosen by {@code auto}: it must be named, with its servers.
 */
public final class StaticReplicaProvider implements ReplicaProvider {

  @Override
  public String name() {
    return "static";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public ReplicaLauncher create(PluginConfig config) {
    return new StaticLauncher(ServerAddress.parseList(config));
  }
}
