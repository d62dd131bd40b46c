package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A launcher that starts nothing: each start makes a replica at a new made-up port, which is
 * "running" until stopped. Tests say which names fail to start, and the {@link FakeProbe} says
 * how running replicas answer heartbeats.
 */
final class FakeLauncher implements ReplicaLauncher {

  final Map<String, Replica> running = new LinkedHashMap<>();
  final List<String> starts = new ArrayList<>();
  final List<Replica> stops = new ArrayList<>();
  /** Replicas ended at once, found dead or hung: no graceful stop. */
  final List<Replica> kills = new ArrayList<>();
  /** Names whose processes are stopped (SIGSTOP, docker pause), as the provider can tell. */
  final Set<String> stopped = new HashSet<>();
  /** Names whose starts throw, as a provider that cannot reach its engine. */
  final Set<String> failing = new HashSet<>();
  private int nextPort = 20_000;

  @Override
  public synchronized Replica start(ReplicaSpec spec) {
    starts.add(spec.name());
    if (failing.contains(spec.name())) {
      throw new ReplicaLaunchException("engine at 10.0.0.7:2375 refused to create " + spec.name());
    }
    Replica replica = new Replica(spec.name(), spec.id(), "127.0.0.1", nextPort++);
    running.put(spec.name(), replica);
    return replica;
  }

  @Override
  public synchronized void stop(Replica replica) {
    stops.add(replica);
    running.remove(replica.name(), replica);
  }

  @Override
  public synchronized void kill(Replica replica) {
    kills.add(replica);
    running.remove(replica.name(), replica);
  }

  @Override
  public synchronized boolean stopped(Replica replica) {
    return stopped.contains(replica.name()) && replica.equals(running.get(replica.name()));
  }

  @Override
  public synchronized List<Replica> list() {
    return List.copyOf(running.values());
  }

  @Override
  public String reachability() {
    return "Set lb.provider.fake.address to reach them elsewhere.";
  }

  @Override
  public void close() {}

  synchronized Set<String> names() {
    return Set.copyOf(running.keySet());
  }
}
