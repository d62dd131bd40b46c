package io.ringlb.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlowStartRingTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final int KEYS = 100_000;

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Replica s4 = new Replica("S4", 4, "127.0.0.1", 4);

  private HashRing threeWarm() {
    HashRing ring = new SlowStartRing(ModuloRing.of("S1", "S2", "S3"), PERIOD, now::get);
    now.addAndGet(PERIOD.toNanos()); // the first three are warm
    return ring;
  }

  private Set<Long> keysOn(HashRing ring, String name) {
    Set<Long> keys = new HashSet<>();
    for (long key = 0; key < KEYS; key++) {
      if (ring.route(key).orElseThrow().name().equals(name)) {
        keys.add(key);
      }
    }
    return keys;
  }

  @Test
  void aJoiningReplicasShareRisesLinearlyOverThePeriodAndNoKeyMovesBack() {
    HashRing ring = threeWarm().with(s4);
    Set<Long> before = Set.of();
    // its whole share is the quarter of keys whose first choice it is
    for (int tenth = 0; tenth <= 10; tenth += 2) {
      Set<Long> on = keysOn(ring, "S4");

      assertThat(on.size() / (double) KEYS).as("share at %d%% of the period", tenth * 10).isCloseTo(0.25 * tenth / 10, within(0.01));
      assertThat(on).as("a key taken stays").containsAll(before);
      before = on;
      now.addAndGet(PERIOD.toNanos() / 5);
    }
  }

  @Test
  void aKeyNotYetAdmittedGoesToTheNextReplicaAndTheWarmingOneFollowsAsARetry() {
    HashRing ring = threeWarm().with(s4);
    long key = 3; // S4 first in its ring order: 3 mod 4

    assertThat(ring.candidates(key, 3)).extracting(Replica::name).containsExactly("S1", "S4", "S2");
    now.addAndGet(PERIOD.toNanos());
    assertThat(ring.candidates(key, 3)).extracting(Replica::name).containsExactly("S4", "S1", "S2");
  }

  @Test
  void whenEveryCandidateIsWarmingTheRingsOrderStands() {
    HashRing ring = new SlowStartRing(ModuloRing.of(), PERIOD, now::get).with(new Replica("S1", 1, "127.0.0.1", 1)).with(s4);

    assertThat(ring.route(1)).map(Replica::name).hasValue("S4");
    assertThat(ring.route(0)).map(Replica::name).hasValue("S1");
  }

  @Test
  void aReplicaThatLeavesAndComesBackWarmsUpAgain() {
    HashRing ring = threeWarm().with(s4);
    now.addAndGet(PERIOD.toNanos());
    assertThat(keysOn(ring, "S4").size() / (double) KEYS).isCloseTo(0.25, within(0.01));

    HashRing back = ring.without("S4").with(s4);

    assertThat(keysOn(back, "S4")).isEmpty();
  }
}
