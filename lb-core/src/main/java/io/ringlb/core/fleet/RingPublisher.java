package io.ringlb.core.fleet;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Router;

/**
 * The one writer of the ring requests are routed on. A health verdict, an admin call, a
 * rollback and a shared orchestrator's list all change the ring by asking this, on the control
 * loop, so there is one place that publishes a ring and one to read to see how it changes.
 * The data plane reads the published ring through the {@link Router} and never writes it.
 */
final class RingPublisher {

  private final Router router;
  private final ControlLoop loop;

  RingPublisher(Router router, ControlLoop loop) {
    this.router = router;
    this.loop = loop;
  }

  /** In the ring with {@code weight}, in place of any replica of the same name (an earlier instance, or the same at another weight). */
  void join(Replica replica, int weight) {
    loop.checkInLoop();
    router.update(ring -> ring.without(replica.name()).with(replica, weight));
  }

  /** Out of the ring, if it is in it. */
  void leave(String name) {
    loop.checkInLoop();
    router.update(ring -> ring.without(name));
  }

  /** The ring published now. */
  HashRing current() {
    return router.ring();
  }

  /** Whether any replica is in the ring, so requests can be served; from any thread. */
  boolean serving() {
    return !router.ring().replicas().isEmpty();
  }
}
