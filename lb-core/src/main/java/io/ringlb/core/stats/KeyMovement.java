package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;

/**
 * How many keys change replica between two rings, as when a replica is added or removed.
 *
 * @param keys how many keys were routed on both rings
 * @param moved keys whose replica differs
 * @param movedBetweenStaying moved keys whose old and new replica are both in both rings: the
 *     disruption consistent hashing tries to avoid, since neither end of the move was added or
 *     removed
 */
public record KeyMovement(int keys, int moved, int movedBetweenStaying) {

  public static KeyMovement between(HashRing before, HashRing after, long[] keys) {
    int moved = 0;
    int betweenStaying = 0;
    for (long key : keys) {
      Replica from = before.route(key).orElseThrow(() -> new IllegalArgumentException("the first ring is empty"));
      Replica to = after.route(key).orElseThrow(() -> new IllegalArgumentException("the second ring is empty"));
      if (!from.name().equals(to.name())) {
        moved++;
        if (after.replicas().contains(from.name()) && before.replicas().contains(to.name())) {
          betweenStaying++;
        }
      }
    }
    return new KeyMovement(keys.length, moved, betweenStaying);
  }

  /** The share of keys that moved, 0 to 1. */
  public double movedFraction() {
    return (double) moved / keys;
  }

  /** The share of keys that moved between replicas present in both rings, 0 to 1. */
  public double movedBetweenStayingFraction() {
    return (double) movedBetweenStaying / keys;
  }

  @Override
  public String toString() {
    return String.format("moved %.4f, between staying replicas %.4f", movedFraction(), movedBetweenStayingFraction());
  }
}
