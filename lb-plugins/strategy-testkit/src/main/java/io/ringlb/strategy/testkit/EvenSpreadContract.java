package io.ringlb.strategy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.HashRing;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.core.stats.LoadDistribution;
import org.junit.jupiter.api.Test;

/** What the strategies that aim at an even spread promise with their default settings. */
public interface EvenSpreadContract extends HashRingContract {

  @Test
  default void threeReplicasShareTenThousandKeysWithinTenPercentOfTheMean() {
    LoadDistribution load = LoadDistribution.of(ring(Replicas.numbered(1, 3)), keys());

    assertThat(load.maxOverMean()).as("max/mean at N=3: %s", load).isLessThanOrEqualTo(1.10);
  }

  @Test
  default void addingAReplicaMovesAboutItsFairShareOfKeys() {
    for (int n = 3; n <= 6; n++) {
      HashRing before = ring(Replicas.numbered(1, n));

      KeyMovement movement = KeyMovement.between(before, before.with(Replicas.numbered(n + 1)), keys());

      assertThat(movement.movedFraction()).as("moved on N=%d -> %d", n, n + 1).isLessThanOrEqualTo(1.25 / (n + 1));
    }
  }
}
