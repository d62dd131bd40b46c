package io.ringlb.strategy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.core.stats.LoadDistribution;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every hash strategy promises, whatever its algorithm. A strategy's test class
 * implements this interface and names its provider; JUnit runs the default methods as tests.
 */
public interface HashRingContract {

  /** 10,000 keys, as the exercise sends 10,000 requests. */
  int KEY_COUNT = 10_000;

  long SEED = 20_260_101L;

  HashStrategyProvider provider();

  /** The settings the contract runs with; the strategy's defaults unless overridden. */
  default PluginConfig config() {
    return PluginConfig.empty("lb.strategy." + provider().name());
  }

  default HashRing ring(List<Replica> replicas) {
    return provider().create(config()).withAll(replicas);
  }

  default long[] keys() {
    return Keys.sixDigitIds(KEY_COUNT, SEED);
  }

  @Test
  default void isFoundOnTheClassPathByItsName() {
    PluginRegistry<HashStrategyProvider> registry = PluginRegistry.load(HashStrategyProvider.class);

    assertThat(registry.select(provider().name())).isInstanceOf(provider().getClass());
  }

  @Test
  default void anEmptyRingRoutesNowhere() {
    HashRing empty = provider().create(config());

    assertThat(empty.route(123_456)).isEmpty();
    assertThat(empty.candidates(123_456, 3)).isEmpty();
    assertThat(empty.replicas().isEmpty()).isTrue();
  }

  @Test
  default void theSameKeyAlwaysReachesTheSameReplica() {
    HashRing ring = ring(Replicas.numbered(1, 5));
    HashRing rebuilt = ring(Replicas.numbered(1, 5));

    for (long key : keys()) {
      Replica first = ring.route(key).orElseThrow();
      assertThat(ring.route(key)).hasValue(first);
      assertThat(rebuilt.route(key)).hasValue(first);
    }
  }

  @Test
  default void everyReplicaGetsKeysAndTheSpreadIsReported() {
    for (int n = 3; n <= 6; n++) {
      LoadDistribution load = LoadDistribution.of(ring(Replicas.numbered(1, n)), keys());

      System.out.printf("[%s] N=%d %s%n", provider().name(), n, load);
      assertThat(load.min()).as("fewest keys on a replica at N=%d", n).isPositive();
    }
  }

  @Test
  default void candidatesAreDistinctStartWithTheRoutedReplicaAndStopAtTheLimit() {
    HashRing ring = ring(Replicas.numbered(1, 6));

    for (long key : Keys.sixDigitIds(1_000, SEED)) {
      List<Replica> all = ring.candidates(key, 10);
      assertThat(all).hasSize(6).doesNotHaveDuplicates();
      assertThat(all.get(0)).isEqualTo(ring.route(key).orElseThrow());
      assertThat(ring.candidates(key, 2)).containsExactlyElementsOf(all.subList(0, 2));
    }
  }

  @Test
  default void everyReplicaIsSomeKeysSecondChoice() {
    HashRing ring = ring(Replicas.numbered(1, 4));
    Set<String> seconds = new HashSet<>();

    for (long key : keys()) {
      seconds.add(ring.candidates(key, 2).get(1).name());
    }

    assertThat(seconds).hasSize(4);
  }

  @Test
  default void withAndWithoutLeaveTheOriginalRingAsItWas() {
    HashRing three = ring(Replicas.numbered(1, 3));
    long[] keys = keys();
    LoadDistribution before = LoadDistribution.of(three, keys);

    HashRing four = three.with(Replicas.numbered(4));
    HashRing two = three.without("S2");

    assertThat(LoadDistribution.of(three, keys)).isEqualTo(before);
    assertThat(four.replicas().asList()).extracting(Replica::name).containsExactly("S1", "S2", "S3", "S4");
    assertThat(two.replicas().asList()).extracting(Replica::name).containsExactly("S1", "S3");
    assertThat(three.without("S9")).isSameAs(three);
    for (long key : keys) {
      assertThat(two.route(key).orElseThrow().name()).isNotEqualTo("S2");
    }
  }

  @Test
  default void refusesASecondReplicaWithTheSameName() {
    HashRing ring = ring(Replicas.numbered(1, 3));

    assertThatThrownBy(() -> ring.with(new Replica("S2", 9, "127.0.0.1", 9009)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S2");
  }

  @Test
  default void aReplacementWithTheSameNameAndIdTakesOverTheSameKeys() {
    HashRing ring = ring(Replicas.numbered(1, 4));
    Replica moved = new Replica("S3", 3, "10.1.2.3", 9999);

    HashRing replaced = ring.without("S3").with(moved);

    KeyMovement movement = KeyMovement.between(ring, replaced, keys());
    assertThat(movement.moved()).isZero();
    assertThat(replaced.replicas().get("S3")).hasValue(moved);
  }

  @Test
  default void theCircleIsSharedOutAmongTheReplicasInTheRing() {
    HashRing empty = provider().create(config());
    assertThat(empty.ownerAt(0.5)).isEmpty();

    for (int n = 3; n <= 6; n++) {
      HashRing ring = ring(Replicas.numbered(1, n));
      Set<String> owners = new HashSet<>();
      for (int i = 0; i < 1_024; i++) {
        Replica owner = ring.ownerAt(i / 1_024.0).orElseThrow();
        assertThat(ring.replicas().get(owner.name())).hasValue(owner);
        owners.add(owner.name());
      }
      assertThat(owners).as("replicas owning part of the circle at N=%d", n).hasSize(n);
    }
    HashRing ring = ring(Replicas.numbered(1, 3));
    assertThat(ring.ownerAt(Math.nextDown(1.0))).isPresent();
    assertThatThrownBy(() -> ring.ownerAt(1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ring.ownerAt(-0.25)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ring.ownerAt(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void pointsAreCountedOnlyForReplicasInTheRing() {
    HashRing ring = ring(Replicas.numbered(1, 4));
    int first = ring.points("S1");

    assertThat(ring.points("S9")).isZero();
    assertThat(ring.without("S1").points("S1")).isZero();
    for (String name : List.of("S1", "S2", "S3", "S4")) {
      // a strategy places points for every replica or for none
      assertThat(ring.points(name)).as(name).isNotNegative().matches(points -> (points > 0) == (first > 0));
    }
  }

  @Test
  default void movementOnAddingAndRemovingIsReported() {
    for (int n = 3; n <= 6; n++) {
      HashRing before = ring(Replicas.numbered(1, n));
      HashRing added = before.with(Replicas.numbered(n + 1));
      HashRing removed = before.without("S1");

      System.out.printf("[%s] N=%d -> %d: %s; N=%d -> %d: %s%n", provider().name(),
          n, n + 1, KeyMovement.between(before, added, keys()),
          n, n - 1, KeyMovement.between(before, removed, keys()));
    }
  }
}
