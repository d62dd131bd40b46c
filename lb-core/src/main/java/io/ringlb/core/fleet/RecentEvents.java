package io.ringlb.core.fleet;

import io.ringlb.core.stats.RingChange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fleet's last events, newest first, for the dashboard: replicas added, joining the ring,
 * going down, replaced and removed. Heartbeat failures are not listed one by one; the event that
 * takes a replica out says why.
 *
 * <p>The fleet's loop is the one writer; readers get an immutable list published through a
 * volatile field and never wait for the loop.
 */
public final class RecentEvents implements FleetListener {

  private final int capacity;
  private final Clock clock;
  /** Replicas that went down and have not been started since: their next start is a replacement. */
  private final Set<String> down = new HashSet<>();
  private volatile List<FleetEvent> events = List.of();

  /**
   * @param capacity how many events are kept; older ones are forgotten
   * @param clock when events happen, as the operator reads time
   */
  public RecentEvents(int capacity, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  /** The events kept, newest first. */
  public List<FleetEvent> events() {
    return events;
  }

  @Override
  public void started(String replica) {
    record(down.remove(replica) ? "replaced" : "added", replica, "");
  }

  /** A new ring was published: what it moved, for the operator to see next to who joined or left. */
  public void ringChanged(RingChange change) {
    record("ring", "", change.toString());
  }

  @Override
  public void joined(String replica) {
    record("joined", replica, "");
  }

  @Override
  public void left(String replica, String why) {
    record("left", replica, why);
  }

  @Override
  public void died(String replica, String why, boolean byRequests) {
    down.add(replica);
    record("down", replica, why);
  }

  @Override
  public void removed(String replica) {
    down.remove(replica);
    record("removed", replica, "");
  }

  private void record(String kind, String replica, String detail) {
    List<FleetEvent> next = new ArrayList<>(Math.min(events.size() + 1, capacity));
    next.add(new FleetEvent(clock.instant(), kind, replica, detail == null ? "" : detail));
    next.addAll(events.subList(0, Math.min(events.size(), capacity - 1)));
    events = List.copyOf(next);
  }
}
