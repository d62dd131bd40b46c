package io.ringlb.core.routing;

import io.ringlb.api.Replica;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight, per replica and in all: counted by the data plane as each attempt goes to
 * a replica and ends, read by routing to bound a replica's load. Nothing locks; a count read
 * while others change is a moment's snapshot, which is all a balancing decision needs.
 *
 * <p>Counted by replica name, as the ring knows replicas: requests still on their way to a
 * replica that was replaced count for its successor of the same name until they end.
 *
 * <p>Bounded loads admit an attempt by counting it first and taking it back if the count passed
 * the bound ({@link #tryBegin}), so two event loops can never both take a replica's last place.
 */
public final class Loads {

  private final ConcurrentHashMap<String, AtomicInteger> byName = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /** An attempt of a request now goes to {@code replica}. */
  public void begin(Replica replica) {
    counter(replica).incrementAndGet();
    total.incrementAndGet();
  }

  /**
   * Counts one more attempt in the total, before it is given to a replica by {@link #tryBegin}
   * or {@link #beginAdmitted}: the bound each replica is held to counts it too.
   *
   * @return the attempts in flight, this one included
   */
  int beginTotal() {
    return total.incrementAndGet();
  }

  /**
   * Gives an attempt already in the total to {@code replica} if, with it, the replica has at most
   * {@code most} in flight; otherwise takes the count back at once.
   *
   * @return whether the replica took it
   */
  boolean tryBegin(Replica replica, long most) {
    AtomicInteger count = counter(replica);
    if (count.incrementAndGet() <= most) {
      return true;
    }
    count.decrementAndGet();
    return false;
  }

  /** Gives an attempt already in the total to {@code replica}, whatever its count. */
  void beginAdmitted(Replica replica) {
    counter(replica).incrementAndGet();
  }

  private AtomicInteger counter(Replica replica) {
    return byName.computeIfAbsent(replica.name(), name -> new AtomicInteger());
  }

  /** An attempt {@link #begin(Replica) begun} on {@code replica} has ended, whichever way. */
  public void end(Replica replica) {
    AtomicInteger count = byName.get(replica.name());
    if (count != null) {
      count.decrementAndGet();
      total.decrementAndGet();
    }
  }

  /** Attempts in flight to the replica named {@code name}. */
  public int of(String name) {
    AtomicInteger count = byName.get(name);
    return count == null ? 0 : count.get();
  }

  /** Attempts in flight to all replicas. */
  public int total() {
    return total.get();
  }
}
