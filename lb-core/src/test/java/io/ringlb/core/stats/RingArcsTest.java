package io.ringlb.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringlb.api.HashRing;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.stats.RingArcs.Arc;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingArcsTest {

  @Test
  void arcsCoverTheCircleInOrderAndNeighboursDiffer() {
    List<Arc> arcs = RingArcs.of(ModuloRing.of("S1", "S2", "S3"), 1_024).arcs();

    assertThat(arcs.get(0).from()).isZero();
    assertThat(arcs.get(arcs.size() - 1).to()).isEqualTo(1.0);
    for (int i = 1; i < arcs.size(); i++) {
      assertThat(arcs.get(i).from()).isEqualTo(arcs.get(i - 1).to());
      assertThat(arcs.get(i).replica()).isNotEqualTo(arcs.get(i - 1).replica());
      assertThat(arcs.get(i).to()).isGreaterThan(arcs.get(i).from());
    }
    // key mod 3 of mixed points: each replica about a third of the circle
    for (String name : List.of("S1", "S2", "S3")) {
      double share = arcs.stream().filter(arc -> arc.replica().equals(name)).mapToDouble(arc -> arc.to() - arc.from()).sum();
      assertThat(share).as(name).isCloseTo(1 / 3.0, within(0.06));
    }
  }

  @Test
  void oneReplicaOwnsTheWholeCircle() {
    assertThat(RingArcs.of(ModuloRing.of("S7"), 512).arcs()).containsExactly(new Arc("S7", 0, 1));
  }

  @Test
  void anEmptyRingHasNoArcs() {
    HashRing empty = ModuloRing.of();
    assertThat(RingArcs.of(empty, 512).arcs()).isEmpty();
  }
}
