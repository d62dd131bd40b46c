package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The share of the key space each replica of a ring holds, estimated by routing random keys and
 * worked out again only when the ring changes: readers ask as often as they like.
 */
public final class KeyShares {

  /**
   * Random keys, the same each time, 2^16 of them: a share to within a few thousandths. Not keys
   * evenly spaced, whose low bits would all be 0 for a strategy that reads them ({@code classic}).
   */
  static final int SAMPLES = 1 << 16;
  static final long SEED = 0x5EED_CAFEL;

  private record Computed(HashRing ring, Map<String, Double> shares) {}

  private volatile Computed last = new Computed(null, Map.of());

  /** Each replica's share, 0 to 1, by name; a replica not in the ring has none. */
  public Map<String, Double> of(HashRing ring) {
    Computed computed = last;
    if (computed.ring() != ring) {
      computed = new Computed(ring, compute(ring));
      last = computed;
    }
    return computed.shares();
  }

  private static Map<String, Double> compute(HashRing ring) {
    Map<String, Double> shares = new HashMap<>();
    SplittableRandom keys = new SplittableRandom(SEED);
    for (int i = 0; i < SAMPLES; i++) {
      ring.route(keys.nextLong()).ifPresent(replica -> shares.merge(replica.name(), 1.0 / SAMPLES, Double::sum));
    }
    return Map.copyOf(shares);
  }
}
