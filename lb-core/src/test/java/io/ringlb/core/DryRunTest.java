package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.HashRing;
import io.ringlb.core.fleet.ChangePlan;
import io.ringlb.core.fleet.FleetException;
import io.ringlb.core.routing.RingDecorator;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A dry run of {@code /add} and {@code /rm} changes nothing, and the change made right after it
 * moves what it said, measured on 100,000 keys of its own; replicas {@code /rm} picks at random
 * are those its dry run named.
 */
class DryRunTest {

  /** The share of 100,000 keys of the test's own that change replica from {@code before} to {@code after}. */
  private static double moved(HashRing before, HashRing after) {
    return KeyMovement.between(before, after, new SplittableRandom(2026).longs(100_000).toArray()).movedFraction();
  }

  @Test
  void aDryRunChangesNothingAndTheChangeMadeAfterItMovesWhatItSaid() throws Exception {
    HttpReplicas replicas = new HttpReplicas();
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "3", "lb.strategy", "tiny",
        "lb.max-replicas", "4"), PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
    try (Balancer balancer = Balancer.start(config, replicas)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == 3);
      HashRing three = RingDecorator.undecorated(balancer.router().ring());
      List<String> startedBefore = List.copyOf(replicas.starts);

      ChangePlan add = balancer.fleet().planAdd(1, List.of(), Map.of()).get(10, TimeUnit.SECONDS);

      assertThat(add.joining()).containsExactly("S4");
      assertThat(add.leaving()).isEmpty();
      assertThat(replicas.starts).as("nothing started").isEqualTo(startedBefore);
      assertThat(balancer.router().ring().replicas().size()).as("nothing published").isEqualTo(3);
      assertThat(balancer.fleet().view().n()).isEqualTo(3);

      balancer.fleet().add(1, List.of()).get(20, TimeUnit.SECONDS);
      HashRing four = RingDecorator.undecorated(balancer.router().ring());
      assertThat(four.replicas().contains("S4")).isTrue();
      assertThat(moved(three, four)).as("what the add moved").isCloseTo(add.change().moved(), within(0.01));
      assertThat(add.change().to().get("S4")).isCloseTo(0.25, within(0.01));

      ChangePlan remove = balancer.fleet().planRemove(1, List.of("S2")).get(10, TimeUnit.SECONDS);
      assertThat(remove.leaving()).containsExactly("S2");
      assertThat(balancer.router().ring().replicas().size()).as("nothing published").isEqualTo(4);

      balancer.fleet().remove(1, List.of("s2")).get(20, TimeUnit.SECONDS);
      assertThat(moved(four, RingDecorator.undecorated(balancer.router().ring()))).as("what the removal moved").isCloseTo(remove.change().moved(), within(0.01));
      assertThat(remove.change().from().get("S2")).isCloseTo(0.25, within(0.01));

      HashRing three2 = RingDecorator.undecorated(balancer.router().ring());
      ChangePlan picked = balancer.fleet().planRemove(2, List.of()).get(10, TimeUnit.SECONDS);
      assertThat(balancer.fleet().planRemove(2, List.of()).get(10, TimeUnit.SECONDS).leaving()).as("asked again, the same pick")
          .isEqualTo(picked.leaving());
      balancer.fleet().remove(2, List.of()).get(20, TimeUnit.SECONDS);
      assertThat(balancer.router().ring().replicas().size()).isEqualTo(1);
      assertThat(picked.leaving()).as("the replicas picked at random are those the dry run named")
          .doesNotContain(balancer.router().ring().replicas().asList().get(0).name()).hasSize(2);
      assertThat(moved(three2, RingDecorator.undecorated(balancer.router().ring()))).isCloseTo(picked.change().moved(), within(0.01));

      String kept = balancer.router().ring().replicas().asList().get(0).name();
      assertThatThrownBy(() -> balancer.fleet().planAdd(1, List.of(kept), Map.of()).get(10, TimeUnit.SECONDS))
          .as("refused as the call would be").isInstanceOf(ExecutionException.class).hasCauseInstanceOf(FleetException.class);
    } finally {
      replicas.stopAll();
    }
  }
}
