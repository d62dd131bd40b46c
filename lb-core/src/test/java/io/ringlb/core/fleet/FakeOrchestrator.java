package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLauncher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An orchestrator's replicas, as Swarm keeps services, shared by every balancer given one of its
 * {@link #launcher launchers}: a start creates a replica unless one of that name exists, a
 * retired replica is no longer listed, and {@link #kill} then {@link #restart} do what happens
 * when a replica dies: the orchestrator runs the same replica again, at another port.
 */
final class FakeOrchestrator {

  private final Map<String, Replica> running = new LinkedHashMap<>();
  private final Set<String> retired = new HashSet<>();
  private final Set<String> dead = new HashSet<>();
  /** Every start and stop any launcher made, as "start S1" or "stop S1". */
  final List<String> calls = new ArrayList<>();
  private int nextPort = 30_000;
  /** Whether lists fail, as when the orchestrator's managers elect a new leader. */
  boolean unreachable;

  /** A launcher for one balancer. */
  ReplicaLauncher launcher() {
    return new ReplicaLauncher() {
      @Override
      public Replica start(ReplicaSpec spec) {
        synchronized (FakeOrchestrator.this) {
          calls.add("start " + spec.name());
          return running.computeIfAbsent(spec.name(), name -> new Replica(name, spec.id(), "127.0.0.1", nextPort++));
        }
      }

      @Override
      public void stop(Replica replica) {
        synchronized (FakeOrchestrator.this) {
          calls.add("stop " + replica.name());
          running.remove(replica.name());
          retired.remove(replica.name());
        }
      }

      @Override
      public List<Replica> list() {
        synchronized (FakeOrchestrator.this) {
          if (unreachable) {
            throw new IllegalStateException("rpc error: code = Unknown desc = The swarm does not have a leader");
          }
          return running.values().stream().filter(replica -> !retired.contains(replica.name())).toList();
        }
      }

      @Override
      public boolean shared() {
        return true;
      }

      @Override
      public void retire(Replica replica) {
        synchronized (FakeOrchestrator.this) {
          retired.add(replica.name());
        }
      }

      @Override
      public void close() {}
    };
  }

  /** The replica that answers under a name now, or null: none answers for one that died and is not yet restarted. */
  synchronized Replica answering(String name) {
    return dead.contains(name) ? null : running.get(name);
  }

  /** It died; listed where it ran until the orchestrator restarts it. */
  synchronized void kill(String name) {
    dead.add(name);
  }

  /** The orchestrator started it again: the same replica, answering at a new port. */
  synchronized Replica restart(String name) {
    Replica old = running.get(name);
    Replica again = new Replica(name, old.id(), old.host(), nextPort++);
    running.put(name, again);
    dead.remove(name);
    return again;
  }
}
