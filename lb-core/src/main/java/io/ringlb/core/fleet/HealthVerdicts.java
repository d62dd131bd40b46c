package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.fleet.HealthMachine.Verdict;
import io.ringlb.core.time.EngineClock;
import java.lang.System.Logger.Level;

/**
 * Carries out what the {@link HealthMachine} decides of a replica: in the ring when it passes,
 * out when it fails or says it is not ready, replaced when it is dead or never became ready
 * (or, with a shared launcher, left for the orchestrator to restart). Confined to the control
 * loop.
 */
final class HealthVerdicts {

  private static final System.Logger LOG = System.getLogger(HealthVerdicts.class.getName());

  private final FleetParts parts;
  private final AdminCalls adminCalls;
  private final EngineClock clock;
  /** The launcher's replicas are the orchestrator's, which restarts them. */
  private final boolean shared;
  /** How replicas are reached, told when one never answers. */
  private final String reachability;

  HealthVerdicts(FleetParts parts, AdminCalls adminCalls, EngineClock clock, boolean shared, String reachability) {
    this.parts = parts;
    this.adminCalls = adminCalls;
    this.clock = clock;
    this.shared = shared;
    this.reachability = reachability;
  }

  /**
   * Carries out a verdict on {@code replica}.
   *
   * @param why what brought it, for the log and the events
   * @param byRequests whether failed requests brought the verdict, rather than a heartbeat
   */
  void apply(Replica replica, Verdict verdict, String why, boolean byRequests) {
    Member member = parts.reconciler().get(replica.name());
    switch (verdict) {
      case NONE -> {}
      case JOINED -> {
        parts.ring().join(replica, member != null ? member.weight : parts.settings().weightOf(replica.name()));
        LOG.log(Level.INFO, "Replica {0} is in the ring", replica.name());
        parts.listener().joined(replica.name());
        if (member != null) {
          parts.reconciler().ready(member);
        }
        parts.publishView();
        adminCalls.joined();
      }
      case LEFT -> {
        parts.ring().leave(replica.name());
        LOG.log(Level.WARNING, "Replica {0} left the ring: it says it is not ready ({1})", replica.name(), why);
        parts.listener().left(replica.name(), why);
      }
      case DEAD -> {
        parts.ring().leave(replica.name());
        if (member == null || !replica.equals(member.replica)) {
          return;
        }
        parts.listener().died(replica.name(), why, byRequests);
        if (shared) {
          // the orchestrator restarts it; it joins again once it answers, here or where the list says it moved
          LOG.log(Level.WARNING, "Replica {0} is down ({1}); waiting for the orchestrator to restart it", replica.name(), why);
          parts.health().watch(replica, clock.nanoTime());
        } else {
          LOG.log(Level.WARNING, "Replica {0} is down ({1}); replacing it", replica.name(), why);
          parts.reconciler().replace(member, false, null, clock.nanoTime());
        }
      }
    }
  }

  /** A replica out of the ring a whole start timeout: logged with what was tried, and started again after a backoff. */
  void neverReady(HealthMachine.Lapse lapse, long now) {
    Replica replica = lapse.replica();
    parts.ring().leave(replica.name());
    Member member = parts.reconciler().get(replica.name());
    if (member == null || !replica.equals(member.replica)) {
      return;
    }
    String problem = "did not pass a heartbeat within " + parts.settings().startTimeout().toSeconds() + " s (" + lapse.lastDetail() + ")";
    LOG.log(Level.ERROR, "Replica {0} at {1}:{2,number,#} {3}. {4}", replica.name(), replica.host(), replica.port(), problem, reachability);
    if (shared) {
      // not this balancer's to replace: it is watched on, and readiness says what is wrong
      parts.reconciler().notReady(member, problem);
      parts.health().watch(replica, now);
    } else {
      parts.listener().died(replica.name(), problem, false);
      parts.reconciler().replace(member, true, problem, now);
    }
    adminCalls.startFailed(member);
    parts.publishView();
  }
}
