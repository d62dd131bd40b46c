package io.ringlb.strategy.maglev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.strategy.testkit.EvenSpreadContract;
import io.ringlb.strategy.testkit.Replicas;
import io.ringlb.strategy.testkit.WeightedContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaglevStrategyTest implements EvenSpreadContract, WeightedContract {

  @Override
  public HashStrategyProvider provider() {
    return new MaglevStrategyProvider();
  }

  private HashRing ring(String tableSize, int replicas) {
    return provider()
        .create(PluginConfig.of("lb.strategy.maglev", Map.of("lb.strategy.maglev.table-size", tableSize)))
        .withAll(Replicas.numbered(1, replicas));
  }

  /** The paper's "minimal disruption" is approximate; with the default table it stays under 2%. */
  @Test
  void fewKeysMoveBetweenReplicasThatStay() {
    for (int n = 2; n <= 8; n++) {
      HashRing before = ring(Replicas.numbered(1, n));

      KeyMovement added = KeyMovement.between(before, before.with(Replicas.numbered(n + 1)), keys());
      KeyMovement removed = KeyMovement.between(before, before.without("S1"), keys());

      System.out.printf("[maglev] between staying replicas: N=%d -> %d %.4f, N=%d -> %d %.4f%n",
          n, n + 1, added.movedBetweenStayingFraction(), n, n - 1, removed.movedBetweenStayingFraction());
      assertThat(added.movedBetweenStayingFraction()).as("N=%d -> %d", n, n + 1).isLessThanOrEqualTo(0.02);
      assertThat(removed.movedBetweenStayingFraction()).as("N=%d -> %d", n, n - 1).isLessThanOrEqualTo(0.02);
    }
  }

  @Test
  void replicasTakeTurnsSoEntriesSplitAsEvenlyAsTheyCan() {
    MaglevRing ring = (MaglevRing) ring("13", 3);

    // 13 entries, three replicas claiming one each per turn: 5, 4 and 4
    assertThat(java.util.List.of(ring.points("S1"), ring.points("S2"), ring.points("S3")))
        .containsExactlyInAnyOrder(5, 4, 4);
  }

  @Test
  void aTableHoldsAtMostAsManyReplicasAsEntries() {
    HashRing full = ring("3", 3);

    assertThatThrownBy(() -> full.with(Replicas.numbered(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a maglev table of 3 entries holds at most 3 replicas");
  }

  @Test
  void refusesATableSizeThatIsNotPrime() {
    assertThatThrownBy(() -> ring("65536", 1))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("lb.strategy.maglev.table-size: 65536 is not prime");
    assertThatThrownBy(() -> ring("many", 1))
        .hasMessage("lb.strategy.maglev.table-size: 'many' is not an integer (accepted: 2..5000011)");
  }
}
