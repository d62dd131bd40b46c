package io.ringlb.strategy.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.core.stats.LoadDistribution;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.strategy.testkit.HashRingContract;
import io.ringlb.strategy.testkit.MinimalMovementContract;
import io.ringlb.strategy.testkit.Replicas;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassicStrategyTest implements HashRingContract, MinimalMovementContract {

  @Override
  public HashStrategyProvider provider() {
    return new ClassicStrategyProvider();
  }

  private static PluginConfig config(String... settings) {
    Map<String, String> properties = new java.util.HashMap<>();
    for (int k = 0; k < settings.length; k += 2) {
      properties.put("lb.strategy.classic." + settings[k], settings[k + 1]);
    }
    return PluginConfig.of("lb.strategy.classic", properties);
  }

  /**
   * The exercise's map for S1..S3 worked out by hand. Phi(i, j) = i^2 + j^2 + 2j + 25:
   * S1 (i = 1) claims 26 + j^2 + 2j = 26 29 34 41 50 61 74 89 106, all free.
   * S2 (i = 2) wants 29 32 37 44 53 64 77 92 109; 29 is S1's, so quadratic probing takes 29 + 1^2 = 30.
   * S3 (i = 3) wants 34 37 42 49 58 69 82 97 114; 34 is S1's and goes to 35, 37 is S2's and goes to 38.
   */
  @Test
  void saysItWeighsNoReplica() {
    HashRing ring = provider().create(config());

    assertThatThrownBy(() -> ring.with(Replicas.numbered(1), 2)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("the classic strategy gives every replica the exercise's K slots and weighs none; weights need lb.strategy ring, maglev or rendezvous");
    assertThat(ring.with(Replicas.numbered(1), 1).weight("S1")).isEqualTo(1);
  }

  @Test
  void placesTheExercisesVirtualServersExactlyAsWorkedOutByHand() {
    ClassicRing ring = (ClassicRing) provider().create(config()).withAll(Replicas.numbered(1, 3));

    assertThat(ring.slotsOf("S1")).containsExactly(26, 29, 34, 41, 50, 61, 74, 89, 106);
    assertThat(ring.slotsOf("S2")).containsExactly(30, 32, 37, 44, 53, 64, 77, 92, 109);
    assertThat(ring.slotsOf("S3")).containsExactly(35, 38, 42, 49, 58, 69, 82, 97, 114);
  }

  /** H(i) = i^2 + 2i + 17 mod 512, then the first virtual server clockwise. */
  @Test
  void routesRequestIdsToTheFirstVirtualServerClockwise() {
    HashRing ring = provider().create(config()).withAll(Replicas.numbered(1, 3));

    assertThat(owner(ring, 1)).isEqualTo("S1"); // H = 20 -> 26 (S1)
    assertThat(owner(ring, 3)).isEqualTo("S2"); // H = 32 -> 32 (S2)
    assertThat(owner(ring, 5)).isEqualTo("S2"); // H = 52 -> 53 (S2)
    assertThat(owner(ring, 6)).isEqualTo("S3"); // H = 65 -> 69 (S3)
    assertThat(owner(ring, 8)).isEqualTo("S3"); // H = 97 -> 97 (S3)
    assertThat(owner(ring, 100)).isEqualTo("S1"); // H = 10217 mod 512 = 489, past 114: wraps to 26 (S1)
    assertThat(ring.candidates(6, 3)).extracting(Replica::name).containsExactly("S3", "S1", "S2"); // 69, 74, 77
  }

  @Test
  void linearProbingTakesTheNextSlot() {
    ClassicRing ring = (ClassicRing) provider().create(config("probing", "linear")).withAll(Replicas.numbered(1, 3));

    assertThat(ring.slotsOf("S2")).startsWith(30); // 29 taken, 29 + 1
    assertThat(ring.slotsOf("S3")).startsWith(35, 38); // 34 -> 35; 37 taken -> 38
  }

  @Test
  void theExercisesFunctionsLoadOneReplicaWithMostRequests() {
    LoadDistribution load = LoadDistribution.of(provider().create(config()).withAll(Replicas.numbered(1, 3)), keys());

    // SPEC.md: with ids 1..3 and 10,000 random request ids, one replica gets about 84%
    assertThat(load.maxShare()).isBetween(0.80, 0.88);
  }

  @Test
  void slotsVirtualServersAndFormulasAreSettings() {
    ClassicRing ring =
        (ClassicRing)
            provider()
                .create(config("slots", "64", "virtual-servers", "2", "server-hash", "8i + j", "request-hash", "i"))
                .withAll(Replicas.numbered(1, 2));

    assertThat(ring.slotsOf("S1")).containsExactly(8, 9);
    assertThat(ring.slotsOf("S2")).containsExactly(16, 17);
    assertThat(owner(ring, 10)).isEqualTo("S2");
    assertThat(owner(ring, 64 + 9)).isEqualTo("S1");
  }

  @Test
  void virtualServersDefaultToLog2OfTheSlots() {
    ClassicRing ring = (ClassicRing) provider().create(config("slots", "1024")).with(Replicas.numbered(1));

    assertThat(ring.slotsOf("S1")).hasSize(10);
  }

  @Test
  void refusesAReplicaBeyondItsCapacityAndSaysWhy() {
    HashRing full = provider().create(config("slots", "16", "virtual-servers", "4")).withAll(Replicas.numbered(1, 4));

    assertThatThrownBy(() -> full.with(Replicas.numbered(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the classic ring is full: 16 slots hold 4 replicas of 4 virtual servers");
  }

  @Test
  void fillsEverySlotEvenWhereQuadraticProbingCannotReach() {
    HashRing ring = provider().create(config()).withAll(Replicas.numbered(1, 56)); // 56 * 9 = 504 of 512

    assertThat(ring.replicas().size()).isEqualTo(56);
    assertThat(LoadDistribution.of(ring, keys()).keys()).isEqualTo(keys().length);
  }

  @Test
  void aBadSettingFailsNamingTheKeyAndThePosition() {
    assertThatThrownBy(() -> provider().create(config("request-hash", "i^2 + k")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.strategy.classic.request-hash: unknown variable 'k' (use i) at position 7 in 'i^2 + k'");
    assertThatThrownBy(() -> provider().create(config("server-hash", "i^2 + (j")))
        .hasMessage("lb.strategy.classic.server-hash: unclosed '(' at position 7 in 'i^2 + (j'");
    assertThatThrownBy(() -> provider().create(config("slots", "0")))
        .hasMessage("lb.strategy.classic.slots: 0 is out of range (accepted: 1..1048576)");
    assertThatThrownBy(() -> provider().create(config("virtual-servers", "600")))
        .hasMessage("lb.strategy.classic.virtual-servers: 600 is out of range (accepted: 1..512)");
    assertThatThrownBy(() -> provider().create(config("probing", "cubic")))
        .hasMessage("lb.strategy.classic.probing: 'cubic' is not accepted (accepted: quadratic, linear)");
  }

  private static String owner(HashRing ring, long requestId) {
    return ring.route(requestId).orElseThrow().name();
  }
}
