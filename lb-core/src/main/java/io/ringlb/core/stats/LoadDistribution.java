package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many of a set of keys each replica of a ring serves, and how even that is.
 *
 * @param counts keys per replica name, in the ring's name order
 * @param keys how many keys were routed
 */
public record LoadDistribution(Map<String, Integer> counts, int keys) {

  public LoadDistribution {
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** Routes every key on {@code ring} and counts where each lands. */
  public static LoadDistribution of(HashRing ring, long[] keys) {
    ReplicaSet replicas = ring.replicas();
    int[] perReplica = new int[replicas.size()];
    for (long key : keys) {
      Replica owner = ring.route(key).orElseThrow(() -> new IllegalArgumentException("the ring is empty"));
      perReplica[replicas.indexOf(owner.name())]++;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < perReplica.length; i++) {
      counts.put(replicas.get(i).name(), perReplica[i]);
    }
    return new LoadDistribution(counts, keys.length);
  }

  public double mean() {
    return (double) keys / counts.size();
  }

  public int max() {
    return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  public int min() {
    return counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
  }

  /** The busiest replica's load over the mean: 1.0 is a perfect spread. */
  public double maxOverMean() {
    return max() / mean();
  }

  /** The standard deviation of the loads over their mean. */
  public double coefficientOfVariation() {
    double mean = mean();
    double variance =
        counts.values().stream().mapToDouble(count -> (count - mean) * (count - mean)).sum() / counts.size();
    return Math.sqrt(variance) / mean;
  }

  /** The largest share of the keys that one replica serves, 0 to 1. */
  public double maxShare() {
    return (double) max() / keys;
  }

  @Override
  public String toString() {
    return String.format(
        "max/mean %.3f, cv %.3f, min %d, max %d, counts %s",
        maxOverMean(), coefficientOfVariation(), min(), max(), Arrays.toString(counts.values().toArray()));
  }
}
