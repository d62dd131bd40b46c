package io.ringlb.provider.staticservers;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands out the configured servers in order: "starting" a replica takes the first server no
 * member holds, "stopping" one gives its server back. A server that fails its heartbeats is
 * therefore replaced by itself, or by a spare listed after the ring's size, once it answers.
 * Nothing outlives the balancer, so {@link #list()} holds only what this launcher handed out.
 */
final class StaticLauncher implements ReplicaLauncher {

  private final List<ServerAddress> servers;
  private final Map<ServerAddress, Replica> held = new LinkedHashMap<>();

  StaticLauncher(List<ServerAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  @Override
  public synchronized Replica start(ReplicaSpec spec) {
    for (ServerAddress server : servers) {
      if (!held.containsKey(server)) {
        Replica replica = new Replica(spec.name(), spec.id(), server.host(), server.port());
        held.put(server, replica);
        return replica;
      }
    }
    throw new ReplicaLaunchException("all " + servers.size() + " static servers " + servers + " are in the ring already; list more to run more replicas");
  }

  @Override
  public synchronized void stop(Replica replica) {
    held.remove(new ServerAddress(replica.host(), replica.port()));
  }

  @Override
  public synchronized List<Replica> list() {
    return List.copyOf(held.values());
  }

  @Override
  public void close() {
    // the servers are not ours to stop
  }
}
