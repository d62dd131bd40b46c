package io.ringlb.provider.staticservers;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands out the configured servers: "starting" a replica takes the server at its id's place in
 * the list (ids count from 1) when no member holds it, else the first server no member holds;
 * "stopping" one gives its server back. The members of a fleet thus land on the same servers
 * whatever order they start in, on every start and in every balancer given the same list, and a
 * server that fails its heartbeats is replaced by itself, or by a spare listed after the ring's
 * size, once it answers. Nothing outlives the balancer, so {@link #list()} holds only what this
 * launcher handed out.
 */
final class StaticLauncher implements ReplicaLauncher {

  private final List<ServerAddress> servers;
  private final Map<ServerAddress, Replica> held = new LinkedHashMap<>();

  StaticLauncher(List<ServerAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  @Override
  public synchronized Replica start(ReplicaSpec spec) {
    ServerAddress server = serverFor(spec.id()).orElseThrow(() -> new ReplicaLaunchException(
        "all " + servers.size() + " static servers " + servers + " are in the ring already; list more to run more replicas"));
    Replica replica = new Replica(spec.name(), spec.id(), server.host(), server.port());
    held.put(server, replica);
    return replica;
  }

  private Optional<ServerAddress> serverFor(int id) {
    if (id >= 1 && id <= servers.size() && !held.containsKey(servers.get(id - 1))) {
      return Optional.of(servers.get(id - 1));
    }
    return servers.stream().filter(server -> !held.containsKey(server)).findFirst();
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
