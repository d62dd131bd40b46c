package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Follows a {@linkplain ReplicaLauncher#shared shared} launcher's list, the fleet as the
 * orchestrator has it: replicas another balancer added are adopted, one the orchestrator
 * restarted elsewhere is watched where it is now, and one another balancer removed is forgotten.
 * A member still starting, or one whose start failed, is this balancer's own to finish, and is
 * left alone. Confined to the control loop.
 */
final class OrchestratorFollower {

  private static final System.Logger LOG = System.getLogger(OrchestratorFollower.class.getName());

  private final FleetSettings settings;
  private final Reconciler reconciler;
  private final HealthMachine health;
  private final RingPublisher ring;
  private final PublishedView views;
  private final FleetListener listener;

  OrchestratorFollower(FleetSettings settings, Reconciler reconciler, HealthMachine health, RingPublisher ring, PublishedView views,
      FleetListener listener) {
    this.settings = settings;
    this.reconciler = reconciler;
    this.health = health;
    this.ring = ring;
    this.views = views;
    this.listener = listener;
  }

  /** Brings the members in line with {@code listed}, a list taken after every launcher call of this balancer had answered. */
  void follow(List<Replica> listed, long now) {
    Set<String> seen = new HashSet<>();
    for (Replica replica : listed) {
      seen.add(Names.key(replica.name()));
      Member member = reconciler.get(replica.name());
      if (member == null) {
        if (reconciler.size() < settings.maxReplicas() && reconciler.idFree(replica.id()) && !reconciler.stopping(replica.name())) {
          reconciler.adopt(replica, settings.weightOf(replica.name()));
          health.watch(replica, now);
          LOG.log(Level.INFO, "Replica {0} was added through another balancer; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
              replica.port());
          listener.started(replica.name());
        }
      } else if (!member.launching && member.replica != null && !replica.equals(member.replica)) {
        if (health.up(member.name)) {
          listener.died(member.name, "the orchestrator restarted it", false);
        }
        ring.leave(replica.name());
        reconciler.moved(member, replica);
        health.watch(replica, now);
        LOG.log(Level.INFO, "Replica {0} was restarted by the orchestrator; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
            replica.port());
        listener.started(replica.name());
      }
    }
    for (Member member : List.copyOf(reconciler.members())) {
      if (!seen.contains(Names.key(member.name)) && !member.launching && member.replica != null) {
        ring.leave(member.name);
        health.forget(member.name);
        reconciler.forget(member);
        LOG.log(Level.INFO, "Replica {0} was removed through another balancer", member.name);
        listener.removed(member.name);
      }
    }
    views.publish(reconciler.members());
  }
}
