package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2016), over any
 * ring: HAProxy's {@code hash-balance-factor} and Envoy's {@code hash_balance_factor}. A key
 * goes to the first replica in its ring order whose in-flight requests, with this one, stay
 * within {@code factor} percent of the average: {@code load + 1 <= ceil(factor/100 x (total +
 * 1) / replicas)}. Some replica always is, as the total counts every replica's load. The others
 * follow in ring order, for retries.
 *
 * <p>The order is read from counts that other event loops change meanwhile, so the data plane
 * does not take it on trust: it {@linkplain #admit admits} each attempt, counting it at the
 * replica and taking it back if that passed the bound. So no replica ever holds more than its
 * bound, however many loops route at once.
 *
 * <p>One decorator rather than code in each strategy: the strategy keeps deciding the order, the
 * bound only skips. A weighted replica's bound is the factor times its share by weight of the
 * requests in flight, so bounded loads keep the weights. Below the bound nothing changes, so a key stays on its replica as long as
 * that replica is not overloaded, and keys move back when the load falls.
 */
public final class BoundedLoadRing extends RingDecorator {

  private final Loads loads;
  /** How many of a key's ring order are read before the rest: enough for a hot key's spill-over. */
  static final int FIRST_LOOK = 8;

  private final int factorPercent;
  /** The sum of the replicas' weights, their count when none weighs other than 1. */
  private final long totalWeight;
  private final boolean weighted;

  /** @param factorPercent at least 100: how far above the average a replica's load may go */
  public BoundedLoadRing(HashRing ring, Loads loads, int factorPercent) {
    super(ring);
    if (factorPercent < 100) {
      throw new IllegalArgumentException("a balance factor is at least 100 percent, was " + factorPercent);
    }
    this.loads = Objects.requireNonNull(loads, "loads");
    this.factorPercent = factorPercent;
    this.totalWeight = ring.replicas().asList().stream().mapToLong(replica -> ring.weight(replica.name())).sum();
    this.weighted = totalWeight != ring.replicas().size();
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    int replicas = ring.replicas().size();
    if (replicas <= 1) {
      return ring.candidates(key, limit);
    }
    int inFlight = loads.total();
    // a replica under the bound is nearly always among a key's first few: look further only when none is
    List<Replica> order = ring.candidates(key, Math.min(replicas, Math.max(limit, FIRST_LOOK)));
    int chosen = firstUnderBound(order, inFlight);
    if (chosen < 0 && order.size() < replicas) {
      order = ring.candidates(key, replicas);
      chosen = firstUnderBound(order, inFlight);
    }
    return Promoted.first(order, chosen >= 0 ? chosen : leastLoaded(order), limit);
  }

  /**
   * Counts an attempt at the first of {@code candidates}, from {@code from} on, whose bound
   * admits it, and answers its index; when none does (the counts moved since the order was
   * read), the least loaded of them takes it.
   */
  public int admit(List<Replica> candidates, int from) {
    int inFlight = loads.beginTotal() - 1;
    for (int i = from; i < candidates.size(); i++) {
      Replica replica = candidates.get(i);
      if (loads.tryBegin(replica, bound(inFlight, weightOf(replica.name()), totalWeight))) {
        return i;
      }
    }
    int least = from + leastLoaded(candidates.subList(from, candidates.size()));
    loads.beginAdmitted(candidates.get(least));
    return least;
  }

  @Override
  public Optional<String> passesOver(Replica replica, long key) {
    String name = replica.name();
    if (ring.replicas().size() <= 1) {
      return Optional.empty();
    }
    long bound = bound(loads.total(), weightOf(name), totalWeight);
    int inFlight = loads.of(name);
    return inFlight + 1 <= bound ? Optional.empty()
        : Optional.of("over the bounded-load limit: " + inFlight + " requests in flight, at most " + bound + " with the next (lb.balance-factor " + factorPercent + ")");
  }

  /** The first of {@code order} that may take one more request, or -1. */
  private int firstUnderBound(List<Replica> order, int inFlight) {
    for (int i = 0; i < order.size(); i++) {
      String name = order.get(i).name();
      if (loads.of(name) + 1 <= bound(inFlight, weightOf(name), totalWeight)) {
        return i;
      }
    }
    return -1;
  }

  /** The one of {@code order} with the fewest requests in flight for its weight; the first of them on a tie. */
  private int leastLoaded(List<Replica> order) {
    int least = 0;
    double leastLoad = Double.MAX_VALUE;
    for (int i = 0; i < order.size(); i++) {
      String name = order.get(i).name();
      double load = (double) loads.of(name) / weightOf(name);
      if (load < leastLoad) {
        leastLoad = load;
        least = i;
      }
    }
    return least;
  }

  /**
   * The most in flight a replica of {@code weight} may have with the next request: factor x its
   * share of them by weight, rounded up; unweighted, factor x the average.
   */
  long bound(int inFlight, int weight, long totalWeight) {
    long scaled = (long) factorPercent * (inFlight + 1L) * weight;
    long divisor = 100L * totalWeight;
    return (scaled + divisor - 1) / divisor;
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new BoundedLoadRing(ring.with(replica, weight), loads, factorPercent);
  }

  /** A replica's weight for its bound: 1 on an unweighted ring, without asking it; 1 for one that has left it meanwhile. */
  private int weightOf(String name) {
    return weighted ? Math.max(1, ring.weight(name)) : 1;
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> replicas) {
    return new BoundedLoadRing(ring.withAll(replicas), loads, factorPercent);
  }

  @Override
  public HashRing without(String name) {
    HashRing smaller = ring.without(name);
    return smaller == ring ? this : new BoundedLoadRing(smaller, loads, factorPercent);
  }
}
