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

  /** A ring without the named replica; this ring itself when it holds no such replica. */
  HashRing without(String name);
}
