package io.ringlb.core.routing;

import io.ringlb.api.Replica;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the data plane sees of each replica as it forwards: the requests in flight, per replica
 * and in all, counted as each attempt goes out and ends and read by routing to bound a replica's
 * load; and the answers heard, which the fleet reads as a sign of life. Nothing locks; a count
 * read while others change is a moment's snapshot, which is all a balancing decision needs.
 *
 * <p>Counted by replica name, as the ring knows replicas: requests still on their way to a
 * replica that was replaced count for its successor of the same name until they end.
 *
 * <p>Bounded loads admit an attempt by counting it first and taking it back if the count passed
 * the bound ({@link #tryBegin}), so two event loops can never both take a replica's last place.
 */
public final class Loads {

  /** One replica's counts. */
  private static final class Counts {
    final AtomicInteger inFlight = new AtomicInteger();
    final LongAdder answers = new LongAdder();
  }

  private final ConcurrentHashMap<String, Counts> byName = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /** An attempt of a request now goes to {@code replica}. */
  public void begin(Replica replica) {
    counts(replica).inFlight.incrementAndGet();
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
    AtomicInteger count = counts(replica).inFlight;
    if (count.incrementAndGet() <= most) {
      return true;
    }
    count.decrementAndGet();
    return false;
  }

  /** Gives an attempt already in the total to {@code replica}, whatever its count. */
  void beginAdmitted(Replica replica) {
    counts(replica).inFlight.incrementAndGet();
  }

  /** An attempt {@link #begin(Replica) begun} on {@code replica} has ended, whichever way. */
  public void end(Replica replica) {
    Counts counts = byName.get(replica.name());
    if (counts != null) {
      counts.inFlight.decrementAndGet();
      total.decrementAndGet();
    }
  }

  /** {@code replica} began to answer a request: it is alive, however slow. */
  public void answered(Replica replica) {
    counts(replica).answers.increment();
  }

  /** Attempts in flight to the replica named {@code name}. */
  public int of(String name) {
    Counts counts = byName.get(name);
    return counts == null ? 0 : counts.inFlight.get();
  }

  /** How many answers the replica named {@code name} has begun since the balancer started: it moves while the replica is alive. */
  public long answers(String name) {
    Counts counts = byName.get(name);
    return counts == null ? 0 : counts.answers.sum();
  }

  /** How many answers all replicas together have begun since the balancer started; read by the fleet, not on the request path. */
  public long answers() {
    long all = 0;
    for (Counts counts : byName.values()) {
      all += counts.answers.sum();
    }
    return all;
  }

  /** Attempts in flight to all replicas. */
  public int total() {
    return total.get();
  }

  private Counts counts(Replica replica) {
    return byName.computeIfAbsent(replica.name(), name -> new Counts());
  }
}
