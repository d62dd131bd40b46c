package io.ringlb.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An immutable map from request keys to replicas, built by a hash strategy.
 *
 * <p>A ring never changes: {@link #with(Replica)} and {@link #without(String)} return new rings,
 * so a router can publish one through an {@code AtomicReference} and readers never lock. Every
 * method is safe to call from many threads at once.
 */
public interface HashRing {

  /** The replica that serves {@code key}; empty only when the ring has no replica. */
  Optional<Replica> route(long key);

  /**
   * Up to {@code limit} distinct replicas for {@code key}, the one {@link #route(long)} picks
   * first, then the ones a retry should try, in the strategy's ring order.
   *
   * @return an unmodifiable list, empty only when the ring has no replica
   */
  List<Replica> candidates(long key, int limit);

  /** The replicas in the ring, in name order. */
  ReplicaSet replicas();

  /**
   * A ring that also holds {@code replica}.
   *
   * @throws IllegalArgumentException if a replica of that name is already in the ring
   * @throws IllegalStateException if the ring has no room for another replica
   */
  HashRing with(Replica replica);

  /**
   * A ring that also holds {@code replica} with {@code weight}: its share of keys proportional to
   * its weight among all the ring's weights, a replica added without one weighing 1. Strategies
   * that weigh replicas override this; the others take a weight of 1 only.
   *
   * @throws IllegalArgumentException if {@code weight} is below 1, or a replica of that name is already in the ring
   * @throws UnsupportedOperationException if the strategy does not weigh replicas and {@code weight} is not 1
   */
  default HashRing with(Replica replica, int weight) {
    if (weight < 1) {
      throw new IllegalArgumentException("replica " + replica.name() + ": a weight is at least 1, was " + weight);
    }
    if (weight != 1) {
      throw new UnsupportedOperationException("this strategy does not weigh replicas");
    }
    return with(replica);
  }

  /** The weight the named replica has in this ring: 1 unless it was added with another, 0 when it is not in the ring. */
  default int weight(String name) {
    return replicas().contains(name) ? 1 : 0;
  }

  /**
   * A ring that also holds all of {@code replicas}. Strategies override this when building in
   * bulk is cheaper than adding one replica at a time.
   */
  default HashRing withAll(Collection<? extends Replica> replicas) {
    HashRing ring = this;
    for (Replica replica : replicas) {
      ring = ring.with(replica);
    }
    return ring;
  }

  /**
   * The most replicas a ring with these settings holds, worked out from the settings alone: the
   * balancer checks {@code lb.max-replicas} against it at start, so a configuration that cannot
   * fit, or would not fit in memory, is refused before anything is built. Strategies without a
   * bound keep the default.
   */
  default int capacity() {
    return Integer.MAX_VALUE;
  }

  /**
   * The replica that owns a point of the strategy's circle, for drawing the ring: {@code turn}
   * goes clockwise from 0 (inclusive) to 1 (exclusive). Strategies with a circle (virtual nodes,
   * slots, a lookup table) map the turn onto theirs, so consecutive turns show each replica's
   * arcs. A strategy without one keeps this default, which routes a key made from the turn: the
   * drawing then shows how much each replica holds, scattered, rather than a geometry.
   *
   * @return empty only when the ring has no replica
   * @throws IllegalArgumentException if {@code turn} is not in [0, 1)
   */
  default Optional<Replica> ownerAt(double turn) {
    // mixed by MurmurHash3's finalizer: evenly spaced positions all end in zero bits, which a
    // strategy that reads the low bits would see as one key
    long key = keyAt(turn);
    key = (key ^ (key >>> 33)) * 0xFF51AFD7ED558CCDL;
    key = (key ^ (key >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return route(key ^ (key >>> 33));
  }

  /**
   * How many points of the circle the named replica holds: its virtual nodes, slots or table
   * entries. 0 when it is not in the ring, and for strategies that place no points.
   */
  default int points(String name) {
    return 0;
  }

  /**
   * {@code turn} as a position on a circle of 2^64, the unsigned range of a {@code long}.
   *
   * @throws IllegalArgumentException if {@code turn} is not in [0, 1)
   */
  static long keyAt(double turn) {
    if (!(turn >= 0 && turn < 1)) {
      throw new IllegalArgumentException("a turn is from 0 to 1, was " + turn);
    }
    // 2^64 overflows a long's cast: scale to 2^63 and shift, losing only the lowest bit
    return ((long) (turn * 0x1p63)) << 1;
  }

  /** A ring without the named replica; this ring itself when it holds no such replica. */
  HashRing without(String name);
}
