package io.ringlb.core.fleet;

/**
 * The parts of one fleet that its event handlers ({@link AdminCalls}, {@link HealthVerdicts},
 * {@link OrchestratorFollower}) change together, all confined to the fleet's control loop.
 *
 * @param reconciler the members and the launcher calls
 * @param health what heartbeats say of each replica
 * @param ring the one writer of the ring
 * @param views what {@code /rep} and readiness show
 * @param listener told what happens to the replicas
 */
record FleetParts(FleetSettings settings, Reconciler reconciler, HealthMachine health, RingPublisher ring, PublishedView views,
    FleetListener listener) {

  /** Publishes the members as they are now, for {@code /rep} and readiness. */
  void publishView() {
    views.publish(reconciler.members());
  }
}
