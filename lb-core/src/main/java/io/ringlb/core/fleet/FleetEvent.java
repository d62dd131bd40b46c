package io.ringlb.core.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a replica, as the operator's view lists it.
 *
 * @param at when the fleet told of it
 * @param kind {@code added}, {@code replaced}, {@code joined}, {@code left}, {@code down} or {@code removed}
 * @param replica the replica's name
 * @param detail why, when the fleet said: a heartbeat's answer, a start that failed; empty otherwise
 */
public record FleetEvent(Instant at, String kind, String replica, String detail) {

  public FleetEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(detail, "detail");
  }
}
