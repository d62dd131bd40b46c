package io.ringlb.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.BoundedLoadRing;
import io.ringlb.core.routing.Loads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingChangeTest {

  private final HashRing three = ModuloRing.of("S1", "S2", "S3");

  @Test
  void aJoiningReplicaTakesItsShareAndTheMovedKeysLeaveTheOthers() {
    RingChange change = RingChange.between(three, three.with(new Replica("S4", 4, "127.0.0.1", 4)));

    assertThat(change.to().get("S4")).isCloseTo(0.25, within(0.01));
    assertThat(change.from()).doesNotContainKey("S4");
    assertThat(change.from().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(change.moved(), within(1e-9));
    assertThat(change.to().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(change.moved(), within(1e-9));
  }

  @Test
  void theSameRingMovesNothingAndTheFirstRingTakesEveryKey() {
    assertThat(RingChange.between(three, three).moved()).isZero();
    assertThat(RingChange.between(three, three).toString()).isEqualTo("no key moved");

    RingChange first = RingChange.between(ModuloRing.of(), three);
    assertThat(first.moved()).isEqualTo(1.0);
    assertThat(first.from()).isEmpty();
    assertThat(first.toString()).matches("100\\.0 % of keys moved to S1 3\\d\\.\\d %, S2 3\\d\\.\\d %, S3 3\\d\\.\\d %");
  }

  @Test
  void eachChangeOfTheStrategysRingIsToldOnceAndAReorderingIsNone() {
    Loads loads = new Loads();
    HashRing bounded = new BoundedLoadRing(three, loads, 125);
    List<RingChange> told = new ArrayList<>();
    RingChanges changes = new RingChanges(bounded, told::add);

    changes.accept(new BoundedLoadRing(three, loads, 150)); // the same strategy's ring under another bound
    assertThat(told).isEmpty();
    assertThat(changes.last()).isEqualTo(RingChange.NONE);

    changes.accept(bounded.without("S3"));
    assertThat(told).hasSize(1);
    assertThat(changes.last().from().get("S3")).isCloseTo(1.0 / 3, within(0.01));
    assertThat(changes.last()).isSameAs(told.get(0));
  }
}
