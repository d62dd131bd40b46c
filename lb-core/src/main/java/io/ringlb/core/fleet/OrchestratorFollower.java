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

  private final FleetParts parts;

  OrchestratorFollower(FleetParts parts) {
    this.parts = parts;
  }

  /** Brings the members in line with {@code listed}, a list taken after every launcher call of this balancer had answered. */
  void follow(List<Replica> listed, long now) {
    Set<String> seen = new HashSet<>();
    for (Replica replica : listed) {
      seen.add(Names.key(replica.name()));
      Member member = parts.reconciler().get(replica.name());
      if (member == null) {
        if (parts.reconciler().size() < parts.settings().maxReplicas() && parts.reconciler().idFree(replica.id()) && !parts.reconciler().stopping(replica.name())) {
          parts.reconciler().adopt(replica, parts.settings().weightOf(replica.name()));
          parts.health().watch(replica, now);
          LOG.log(Level.INFO, "Replica {0} was added through another balancer; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
              replica.port());
          parts.listener().started(replica.name());
        }
      } else if (!member.launching && member.replica != null && !replica.equals(member.replica)) {
        if (parts.health().up(member.name)) {
          parts.listener().died(member.name, "the orchestrator restarted it", false);
        }
        parts.ring().leave(replica.name());
        parts.reconciler().moved(member, replica);
        parts.health().watch(replica, now);
        LOG.log(Level.INFO, "Replica {0} was restarted by the orchestrator; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
            replica.port());
        parts.listener().started(replica.name());
      }
    }
    for (Member member : List.copyOf(parts.reconciler().members())) {
      if (!seen.contains(Names.key(member.name)) && !member.launching && member.replica != null) {
        parts.ring().leave(member.name);
        parts.health().forget(member.name);
        parts.reconciler().forget(member);
        LOG.log(Level.INFO, "Replica {0} was removed through another balancer", member.name);
        parts.listener().removed(member.name);
      }
    }
    parts.publishView();
  }
}
