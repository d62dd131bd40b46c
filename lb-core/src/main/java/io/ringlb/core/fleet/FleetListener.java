package io.ringlb.core.fleet;

import java.util.List;

/**
 * What happens to the fleet's replicas, told as it happens on the fleet's loop: for metrics and
 * for the operator's view of recent events. An implementation records and returns at once; the
 * fleet does not wait for anything else. Every method does nothing unless overridden.
 */
public interface FleetListener {

  /** Listens to nothing. */
  FleetListener NONE = new FleetListener() {};

  /** Tells each of {@code listeners} in turn. */
  static FleetListener all(FleetListener... listeners) {
    List<FleetListener> each = List.of(listeners);
    return new FleetListener() {
      @Override
      public void heartbeatFailed(String replica, String why) {
        each.forEach(listener -> listener.heartbeatFailed(replica, why));
      }

      @Override
      public void joined(String replica) {
        each.forEach(listener -> listener.joined(replica));
      }

      @Override
      public void left(String replica, String why) {
        each.forEach(listener -> listener.left(replica, why));
      }

      @Override
      public void died(String replica, String why, boolean byRequests) {
        each.forEach(listener -> listener.died(replica, why, byRequests));
      }

      @Override
      public void started(String replica) {
        each.forEach(listener -> listener.started(replica));
      }

      @Override
      public void removed(String replica) {
        each.forEach(listener -> listener.removed(replica));
      }
    };
  }

  /** A heartbeat to {@code replica} failed or said it was not ready. */
  default void heartbeatFailed(String replica, String why) {}

  /** {@code replica} passed its heartbeat and is in the ring. */
  default void joined(String replica) {}

  /** {@code replica} left the ring: it says it is not ready. */
  default void left(String replica, String why) {}

  /**
   * {@code replica} is down and is being replaced.
   *
   * @param byRequests whether failed requests found it (passive health), rather than heartbeats
   */
  default void died(String replica, String why, boolean byRequests) {}

  /** A replica named {@code replica} was started: added, or in place of one that died. */
  default void started(String replica) {}

  /** {@code replica} was removed from the fleet ({@code /rm}) and stopped. */
  default void removed(String replica) {}
}
