package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a change of ring moves: the share of the key space whose replica differs, which replicas
 * those keys leave and which they go to, each as a share of all keys. Estimated by routing the
 * same random keys on both rings, as {@link KeyShares} estimates shares: to within a few
 * thousandths.
 *
 * @param moved the share of keys whose replica differs, 0 to 1
 * @param from by replica, the share of all keys that leave it
 * @param to by replica, the share of all keys that go to it
 */
public record RingChange(double moved, Map<String, Double> from, Map<String, Double> to) {

  /** No change: nothing moved. */
  public static final RingChange NONE = new RingChange(0, Map.of(), Map.of());

  public RingChange {
    from = Map.copyOf(from);
    to = Map.copyOf(to);
  }

  /** What going from {@code before} to {@code after} moves; a key of an empty ring has no replica, so every key moves to the first ring made. */
  public static RingChange between(HashRing before, HashRing after) {
    Map<String, Double> from = new HashMap<>();
    Map<String, Double> to = new HashMap<>();
    int moved = 0;
    SplittableRandom keys = new SplittableRandom(KeyShares.SEED);
    for (int i = 0; i < KeyShares.SAMPLES; i++) {
      long key = keys.nextLong();
      Optional<Replica> was = before.route(key);
      Optional<Replica> is = after.route(key);
      String wasName = was.map(Replica::name).orElse(null);
      String isName = is.map(Replica::name).orElse(null);
      if (wasName == null ? isName != null : !wasName.equals(isName)) {
        moved++;
        if (wasName != null) {
          from.merge(wasName, 1.0 / KeyShares.SAMPLES, Double::sum);
        }
        if (isName != null) {
          to.merge(isName, 1.0 / KeyShares.SAMPLES, Double::sum);
        }
      }
    }
    return new RingChange((double) moved / KeyShares.SAMPLES, from, to);
  }

  /** For people: {@code 24.9 % of keys moved, from S1 8.3 %, S2 8.3 %, S3 8.3 % to S4 24.9 %}. */
  @Override
  public String toString() {
    if (moved == 0) {
      return "no key moved";
    }
    return String.format(Locale.ROOT, "%.1f %% of keys moved", 100 * moved)
        + (from.isEmpty() ? "" : ", from " + shares(from))
        + (to.isEmpty() ? "" : " to " + shares(to));
  }

  private static String shares(Map<String, Double> shares) {
    return new TreeMap<>(shares).entrySet().stream()
        .map(share -> String.format(Locale.ROOT, "%s %.1f %%", share.getKey(), 100 * share.getValue()))
        .collect(Collectors.joining(", "));
  }
}
