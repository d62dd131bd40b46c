package io.ringlb.strategy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a strategy that weighs replicas promises: shares of keys in proportion to the weights. */
public interface WeightedContract extends HashRingContract {

  private static Map<String, Double> shares(HashRing ring, long[] keys) {
    Map<String, Integer> counts = new HashMap<>();
    for (long key : keys) {
      counts.merge(ring.route(key).orElseThrow().name(), 1, Integer::sum);
    }
    Map<String, Double> shares = new HashMap<>();
    counts.forEach((name, count) -> shares.put(name, count / (double) keys.length));
    return shares;
  }

  private HashRing weighted(int... weights) {
    HashRing ring = provider().create(config());
    for (int i = 0; i < weights.length; i++) {
      ring = ring.with(Replicas.numbered(i + 1), weights[i]);
    }
    return ring;
  }

  @Test
  default void weightsTwoOneOneGiveHalfAQuarterAndAQuarterOfTheKeys() {
    long[] keys = Keys.sixDigitIds(100_000, SEED);
    HashRing ring = weighted(2, 1, 1);

    Map<String, Double> shares = shares(ring, keys);

    System.out.printf("[%s] weights 2:1:1 %s%n", provider().name(), shares);
    assertThat(shares.get("S1")).isCloseTo(0.50, within(0.03));
    assertThat(shares.get("S2")).isCloseTo(0.25, within(0.03));
    assertThat(shares.get("S3")).isCloseTo(0.25, within(0.03));
    assertThat(ring.weight("S1")).isEqualTo(2);
    assertThat(ring.weight("S2")).isEqualTo(1);
    assertThat(ring.weight("S9")).isZero();
  }

  @Test
  default void aWeightOfOneIsNoWeightAtAll() {
    HashRing plain = ring(Replicas.numbered(1, 3));
    HashRing weighted = weighted(1, 1, 1);

    for (long key : keys()) {
      assertThat(weighted.candidates(key, 3)).isEqualTo(plain.candidates(key, 3));
    }
  }

  @Test
  default void aReplicaRemovedLosesItsWeight() {
    Replica s1 = Replicas.numbered(1);
    HashRing ring = weighted(3, 1, 1).without("S1").with(s1);

    assertThat(ring.weight("S1")).isEqualTo(1);
    assertThat(shares(ring, keys()).get("S1")).isCloseTo(1 / 3.0, within(0.05));
  }

  @Test
  default void aWeightBelowOneIsRefused() {
    HashRing ring = provider().create(config());

    assertThatThrownBy(() -> ring.with(Replicas.numbered(1), 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
  }
}
