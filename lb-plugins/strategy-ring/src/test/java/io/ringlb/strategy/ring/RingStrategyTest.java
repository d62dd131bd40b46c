package io.ringlb.strategy.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.core.BalancerConfig;
import io.ringlb.core.stats.LoadDistribution;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.strategy.testkit.EvenSpreadContract;
import io.ringlb.strategy.testkit.MinimalMovementContract;
import io.ringlb.strategy.testkit.Replicas;
import io.ringlb.strategy.testkit.WeightedContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RingStrategyTest implements EvenSpreadContract, MinimalMovementContract, WeightedContract {

  @Override
  public HashStrategyProvider provider() {
    return new RingStrategyProvider();
  }

  private HashRing ring(int points, int replicas) {
    return provider()
        .create(PluginConfig.of("lb.strategy.ring", Map.of("lb.strategy.ring.points", String.valueOf(points))))
        .withAll(Replicas.numbered(1, replicas));
  }

  @Test
  void theSameReplicasMakeTheSameRingInAnyOrder() {
    HashRing forward = provider().create(config()).withAll(Replicas.numbered(1, 6));
    HashRing backward = provider().create(config()).withAll(Replicas.numbered(1, 6).reversed());
    HashRing oneByOne = provider().create(config());
    for (var replica : List.of(Replicas.numbered(4), Replicas.numbered(1), Replicas.numbered(6),
        Replicas.numbered(2), Replicas.numbered(5), Replicas.numbered(3))) {
      oneByOne = oneByOne.with(replica);
    }

    for (long key : keys()) {
      assertThat(backward.route(key)).isEqualTo(forward.route(key));
      assertThat(oneByOne.candidates(key, 6)).isEqualTo(forward.candidates(key, 6));
    }
  }

  @Test
  void morePointsSpreadKeysMoreEvenly() {
    double few = LoadDistribution.of(ring(4, 5), keys()).coefficientOfVariation();
    double many = LoadDistribution.of(ring(1024, 5), keys()).coefficientOfVariation();

    System.out.printf("[ring] N=5 cv with 4 points %.3f, with 1024 points %.3f%n", few, many);
    assertThat(many).isLessThan(few);
  }

  /** The ring's definition read literally: the first node at or after the key's hash, wrapping. */
  private static String firstNodeClockwise(HashRing ring, int points, long key) {
    com.dynatrace.hash4j.hashing.Hasher64 xxh3 = com.dynatrace.hash4j.hashing.Hashing.xxh3_64();
    long position = xxh3.hashLongToLong(key) & ~0xFFFFL;
    String next = null;
    long nextAt = 0;
    String lowest = null;
    long lowestAt = 0;
    for (Replica replica : ring.replicas().asList()) {
      long seed = xxh3.hashCharsToLong(replica.name());
      for (int p = 0; p < points; p++) {
        long node = xxh3.hashLongLongToLong(seed, p) & ~0xFFFFL;
        if (lowest == null || Long.compareUnsigned(node, lowestAt) < 0) {
          lowest = replica.name();
          lowestAt = node;
        }
        if (Long.compareUnsigned(node, position) >= 0 && (next == null || Long.compareUnsigned(node, nextAt) < 0)) {
          next = replica.name();
          nextAt = node;
        }
      }
    }
    return next != null ? next : lowest;
  }

  @Test
  void routesEveryKeyToTheFirstNodeClockwiseFromItsHash() {
    for (int[] shape : new int[][] {{1, 1}, {2, 3}, {3, 16}, {7, 100}}) {
      HashRing ring = ring(shape[1], shape[0]);

      for (long key : io.ringlb.strategy.testkit.Keys.sixDigitIds(2_000, shape[0])) {
        assertThat(ring.route(key).orElseThrow().name())
            .as("%d replicas of %d points, key %d", shape[0], shape[1], key)
            .isEqualTo(firstNodeClockwise(ring, shape[1], key));
      }
    }
  }

  @Test
  void refusesPointsOutOfRange() {
    assertThatThrownBy(() -> ring(0, 1))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.strategy.ring.points: 0 is out of range (accepted: 1..65536)");
  }

  @Test
  void aConfigurationWhoseRingWouldNotFitInMemoryIsRefusedNamingItsProperties() {
    PluginRegistry<HashStrategyProvider> strategies = PluginRegistry.of(HashStrategyProvider.class, List.of(provider()));

    assertThatThrownBy(() -> BalancerConfig.from(Map.of("lb.max-replicas", "10000", "lb.strategy.ring.points", "65536"), strategies))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.max-replicas: 10000 replicas do not fit the ring strategy as configured, which holds at most 64:"
            + " lower lb.max-replicas or change lb.strategy.ring.*");
    assertThat(BalancerConfig.from(Map.of("lb.max-replicas", "4096"), strategies).emptyRing().capacity())
        .as("the default points leave room for 4,096 replicas").isEqualTo(4096);
  }

  @Test
  void lbWeightsAreReadByNameInAnyCaseAndBadOnesAreRefusedNamingTheProperty() {
    PluginRegistry<HashStrategyProvider> strategies = PluginRegistry.of(HashStrategyProvider.class, List.of(provider()));

    BalancerConfig config = BalancerConfig.from(Map.of("lb.weights", "S1=2, s2 = 3"), strategies);

    assertThat(config.fleet().weighing().weighs()).isTrue();
    assertThat(config.fleet().weightOf("s1")).isEqualTo(2);
    assertThat(config.fleet().weightOf("S2")).isEqualTo(3);
    assertThat(config.fleet().weightOf("S3")).isEqualTo(1);
    assertThatThrownBy(() -> BalancerConfig.from(Map.of("lb.weights", "S1=0"), strategies))
        .hasMessage("lb.weights: the weight of 'S1' must be an integer from 1 to 1000, was '0'");
    assertThatThrownBy(() -> BalancerConfig.from(Map.of("lb.weights", "S1"), strategies))
        .hasMessage("lb.weights: 'S1' is not <name>=<weight>, as in S1=2,S2=1");
    assertThatThrownBy(() -> BalancerConfig.from(Map.of("lb.weights", "S1=2,s1=3"), strategies)).hasMessage("lb.weights: 's1' is weighed twice");
    assertThatThrownBy(() -> BalancerConfig.from(Map.of("lb.weights", "bad_name=2"), strategies))
        .hasMessageStartingWith("lb.weights: 'bad_name' is not a valid hostname");
  }
}
