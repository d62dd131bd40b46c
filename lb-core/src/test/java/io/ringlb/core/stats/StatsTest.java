package io.ringlb.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringlb.core.ModuloRing;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void countsKeysPerReplicaAndSummarisesTheSpread() {
    long[] keys = {0, 1, 2, 3, 4, 5, 6, 9}; // mod 3: 0,1,2,0,1,2,0,0 -> S1 4, S2 2, S3 2

    LoadDistribution load = LoadDistribution.of(ModuloRing.of("S1", "S2", "S3"), keys);

    assertThat(load.counts()).containsExactly(
        java.util.Map.entry("S1", 4), java.util.Map.entry("S2", 2), java.util.Map.entry("S3", 2));
    assertThat(load.maxOverMean()).isCloseTo(4 / (8 / 3.0), within(1e-9));
    assertThat(load.maxShare()).isCloseTo(0.5, within(1e-9));
    // loads 4, 2, 2 around a mean of 8/3: sd = sqrt(((4/3)^2 + 2 (2/3)^2) / 3)
    assertThat(load.coefficientOfVariation()).isCloseTo(Math.sqrt((16 / 9.0 + 8 / 9.0) / 3) / (8 / 3.0), within(1e-9));
  }

  @Test
  void tellsMovesBetweenStayingReplicasFromMovesOntoANewOne() {
    long[] keys = LongStream.range(0, 12).toArray();

    KeyMovement sameRing = KeyMovement.between(ModuloRing.of("S1", "S2"), ModuloRing.of("S1", "S2"), keys);
    // mod 2 -> mod 3 reshuffles keys among S1 and S2 as well as onto S3
    KeyMovement modulo = KeyMovement.between(ModuloRing.of("S1", "S2"), ModuloRing.of("S1", "S2", "S3"), keys);

    assertThat(sameRing.moved()).isZero();
    assertThat(modulo.moved()).isEqualTo(8);
    assertThat(modulo.movedBetweenStaying()).isEqualTo(4);
  }
}
