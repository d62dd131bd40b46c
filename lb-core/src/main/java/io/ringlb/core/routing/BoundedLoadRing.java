package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2016), over any
 * ring: HAProxy's {@code hash-balance-factor} and Envoy's {@code hash_balance_factor}. A key
 * goes to the first replica in its ring order whose in-flight requests, with this one, stay
 * within {@code factor} percent of the average: {@code load + 1 <= ceil(factor/100 x (total +
 * 1) / replicas)}. Some replica always is, as the total counts every replica's load; only counts
 * read while other event loops change them can put all over the bound, and then the least loaded
 * wins. The others follow in ring order, for retries.
 *
 * <p>One decorator rather than code in each strategy: the strategy keeps deciding the order, the
 * bound only skips. Below the bound nothing changes, so a key stays on its replica as long as
 * that replica is not overloaded, and keys move back when the load falls.
 */
public final class BoundedLoadRing implements HashRing {

  private final HashRing ring;
  private final Loads loads;
  private final int factorPercent;

  /** @param factorPercent at least 100: how far above the average a replica's load may go */
  public BoundedLoadRing(HashRing ring, Loads loads, int factorPercent) {
    if (factorPercent < 100) {
      throw new IllegalArgumentException("a balance factor is at least 100 percent, was " + factorPercent);
    }
    this.ring = Objects.requireNonNull(ring, "ring");
    this.loads = Objects.requireNonNull(loads, "loads");
    this.factorPercent = factorPercent;
  }

  /** The ring whose order the bound applies to. */
  public HashRing ring() {
    return ring;
  }

  @Override
  public Optional<Replica> route(long key) {
    List<Replica> first = candidates(key, 1);
    return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0));
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    int replicas = ring.replicas().size();
    if (replicas <= 1) {
      return ring.candidates(key, limit);
    }
    List<Replica> order = ring.candidates(key, replicas);
    long bound = bound(loads.total(), order.size());
    int chosen = -1;
    int leastLoaded = 0;
    int leastLoad = Integer.MAX_VALUE;
    for (int i = 0; i < order.size(); i++) {
      int load = loads.of(order.get(i).name());
      if (load + 1 <= bound) {
        chosen = i;
        break;
      }
      if (load < leastLoad) {
        leastLoad = load;
        leastLoaded = i;
      }
    }
    if (chosen < 0) {
      chosen = leastLoaded;
    }
    if (chosen == 0) {
      return order.size() <= limit ? order : order.subList(0, limit);
    }
    List<Replica> result = new ArrayList<>(Math.min(limit, order.size()));
    result.add(order.get(chosen));
    for (int i = 0; i < order.size() && result.size() < limit; i++) {
      if (i != chosen) {
        result.add(order.get(i));
      }
    }
    return List.copyOf(result);
  }

  /** The most in flight one replica may have with the next request: factor x the average, rounded up. */
  long bound(int inFlight, int replicas) {
    long scaled = (long) factorPercent * (inFlight + 1L);
    long divisor = 100L * replicas;
    return (scaled + divisor - 1) / divisor;
  }

  @Override
  public ReplicaSet replicas() {
    return ring.replicas();
  }

  @Override
  public HashRing with(Replica replica) {
    return with(replica, 1);
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new BoundedLoadRing(ring.with(replica, weight), loads, factorPercent);
  }

  @Override
  public int weight(String name) {
    return ring.weight(name);
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> replicas) {
    return new BoundedLoadRing(ring.withAll(replicas), loads, factorPercent);
  }

  @Override
  public int capacity() {
    return ring.capacity();
  }

  @Override
  public HashRing without(String name) {
    HashRing smaller = ring.without(name);
    return smaller == ring ? this : new BoundedLoadRing(smaller, loads, factorPercent);
  }
}
