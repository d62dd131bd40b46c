package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Slow start over any ring, as HAProxy's {@code slowstart}: a replica that joins takes a share of
 * its keys that rises from none to all over {@code period}, so a cold JVM is not handed its
 * whole share at once.
 *
 * <p>By admission, per key: each key has a fixed point in [0, 1) from its hash, and a warming
 * replica takes a key only once the ramp, {@code elapsed / period}, has passed that point; until
 * then the key goes to the next replica of its ring order, and the warming ones follow it in
 * their order, for retries. So the share grows linearly and no key flaps: once a key has moved
 * to the new replica it stays there. Admission rather than a load bound, because it also works
 * without bounded loads and keeps consistent hashing's affinity while it ramps. When every
 * candidate is warming (a balancer starting with all its replicas new), the ring's order stands.
 */
public final class SlowStartRing extends RingDecorator {

  private final long periodNanos;
  private final LongSupplier nanoTime;
  /** When each replica joined, by name: only those that may still be warming. */
  private final Map<String, Long> joinedAt;
  /** When the last of them is warm: from then on the ring's order stands, at no cost. */
  private final long warmAt;

  /** @param nanoTime the clock the ramp is measured by */
  public SlowStartRing(HashRing ring, Duration period, LongSupplier nanoTime) {
    this(ring, period.toNanos(), nanoTime, Map.of());
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a slow start period is positive, was " + period);
    }
  }

  private SlowStartRing(HashRing ring, long periodNanos, LongSupplier nanoTime, Map<String, Long> joinedAt) {
    super(ring);
    this.periodNanos = periodNanos;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.joinedAt = joinedAt;
    this.warmAt = joinedAt.values().stream().mapToLong(joined -> joined + periodNanos).max().orElse(Long.MIN_VALUE);
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    if (joinedAt.isEmpty()) {
      return ring.candidates(key, limit);
    }
    long now = nanoTime.getAsLong();
    if (now - warmAt >= 0) {
      return ring.candidates(key, limit);
    }
    double point = point(key);
    List<Replica> order = ring.candidates(key, Math.min(ring.replicas().size(), limit + joinedAt.size()));
    int first = 0;
    while (first < order.size() && !admits(order.get(first), point, now)) {
      first++;
    }
    // the warming ones keep their places behind the first admitted, for retries; none admitted, the order stands
    return Promoted.first(order, first == order.size() ? 0 : first, limit);
  }

  private boolean admits(Replica replica, double point, long now) {
    Long joined = joinedAt.get(replica.name());
    return joined == null || (double) (now - joined) / periodNanos > point;
  }

  @Override
  public Optional<String> passesOver(Replica replica, long key) {
    long now = nanoTime.getAsLong();
    Long joined = joinedAt.get(replica.name());
    if (joined == null || admits(replica, point(key), now)) {
      return Optional.empty();
    }
    long warmInMillis = Math.max(0, (joined + periodNanos - now) / 1_000_000);
    return Optional.of(String.format(Locale.ROOT, "slow start: it takes %.0f %% of its keys now, not yet this one, and all in %d ms (lb.slow-start-ms)",
        100.0 * (now - joined) / periodNanos, warmInMillis));
  }

  /** The key's fixed point in [0, 1): SplitMix64's finalizer, so close keys land far apart. */
  static double point(long key) {
    long z = key + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /** The replicas still within their period; those past it are forgotten as rings are made. */
  private Map<String, Long> warming(long now) {
    Map<String, Long> still = new HashMap<>();
    joinedAt.forEach((name, joined) -> {
      if (now - joined < periodNanos) {
        still.put(name, joined);
      }
    });
    return still;
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    long now = nanoTime.getAsLong();
    Map<String, Long> next = warming(now);
    next.put(replica.name(), now);
    return new SlowStartRing(ring.with(replica, weight), periodNanos, nanoTime, Map.copyOf(next));
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> replicas) {
    long now = nanoTime.getAsLong();
    Map<String, Long> next = warming(now);
    replicas.forEach(replica -> next.put(replica.name(), now));
    return new SlowStartRing(ring.withAll(replicas), periodNanos, nanoTime, Map.copyOf(next));
  }

  @Override
  public HashRing without(String name) {
    HashRing smaller = ring.without(name);
    if (smaller == ring) {
      return this;
    }
    Map<String, Long> next = warming(nanoTime.getAsLong());
    next.remove(name);
    return new SlowStartRing(smaller, periodNanos, nanoTime, Map.copyOf(next));
  }
}
