package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two balancers whose replicas are an orchestrator's ({@link io.ringlb.spi.ReplicaLauncher#shared}),
 * driven by hand as in {@link FleetLoopTest}: they build the same ring, each sees a change made
 * through the other within a heartbeat interval, and neither ever starts or stops a replica the
 * orchestrator restarts.
 */
class SharedFleetTest {

  private static final HeartbeatSettings BEATS = new HeartbeatSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(1), 2, 1, "/heartbeat");

  private final FakeClock clock = new FakeClock();
  private final FakeOrchestrator orchestrator = new FakeOrchestrator();

  /** One balancer: its fleet, its ring, and what its fleet told it. */
  private final class Balancer {
    final Router router = new Router(new ModuloRing(ReplicaSet.empty()), 3);
    final List<String> told;
    final Fleet fleet;

    Balancer(int n) {
      RecordingListener listener = new RecordingListener();
      told = listener.told;

      fleet = new Fleet(new FleetSettings(n, 10, "S", Duration.ofSeconds(20), BEATS, true, Duration.ofSeconds(10), Map.of(), Weighing.WEIGHS),
          orchestrator.launcher(), router, new FakeProbe(orchestrator::answering), new SplittableRandom(7), listener, clock, Runnable::run,
          Runnable::run);
      fleet.start();
    }

    List<String> ring() {
      return router.ring().replicas().asList().stream().map(Replica::name).sorted().toList();
    }

    /** Where each of 1,000 keys goes. */
    List<Optional<Replica>> routes() {
      List<Optional<Replica>> routes = new ArrayList<>();
      for (long key = 0; key < 1_000; key++) {
        routes.add(router.ring().route(key * 0x9E3779B97F4A7C15L));
      }
      return routes;
    }
  }

  @Test
  void twoBalancersBuildTheSameRingAndOnlyTheFirstStartsTheReplicas() {
    Balancer a = new Balancer(3);
    Balancer b = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    assertThat(a.ring()).containsExactly("S1", "S2", "S3");
    assertThat(b.router.ring().replicas().asList()).containsExactlyInAnyOrderElementsOf(a.router.ring().replicas().asList());
    assertThat(b.routes()).isEqualTo(a.routes());
    assertThat(orchestrator.calls).as("the second found the fleet running, and N starts only an empty one").containsExactly("start S1",
        "start S2", "start S3");
  }

  @Test
  void anAddThroughOneIsInTheOthersRingWithinAHeartbeatInterval() {
    Balancer a = new Balancer(3);
    Balancer b = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    CompletableFuture<FleetView> added = a.fleet.add(1, List.of("S9"));
    clock.forward(Duration.ofMillis(100));
    assertThat(added).isCompleted();
    clock.forward(BEATS.interval());

    assertThat(b.ring()).containsExactly("S1", "S2", "S3", "S9");
    assertThat(b.fleet.view().replicas()).contains("S9");
    assertThat(b.told).containsSubsequence("started S9", "joined S9");
    assertThat(b.routes()).isEqualTo(a.routes());
  }

  @Test
  void aRemovalThroughOneLeavesTheOthersRingBeforeTheReplicaStops() {
    Balancer a = new Balancer(3);
    Balancer b = new Balancer(3);
    clock.forward(Duration.ofMillis(200));
    Replica s2 = a.router.ring().replicas().get("S2").orElseThrow();
    a.router.loads().begin(s2); // a request in flight through a: s2 drains before it stops

    CompletableFuture<FleetView> removed = a.fleet.remove(1, List.of("S2"));
    clock.forward(BEATS.interval());

    assertThat(b.ring()).as("retired: b no longer sends it requests").containsExactly("S1", "S3");
    assertThat(b.told).contains("removed S2");
    assertThat(orchestrator.answering("S2")).as("still draining a's request").isNotNull();
    assertThat(removed).isNotDone();

    a.router.loads().end(s2);
    clock.forward(Duration.ofMillis(200));
    assertThat(removed).isCompleted();
    assertThat(orchestrator.answering("S2")).isNull();
    assertThat(orchestrator.calls).as("a stopped it, once; b stopped nothing").containsOnlyOnce("stop S2").doesNotContain("stop S1", "stop S3");
    assertThat(b.routes()).isEqualTo(a.routes());
  }

  @Test
  void aRetiredReplicaWithNothingInFlightStillWaitsAnIntervalForTheOthersToSeeIt() {
    Balancer a = new Balancer(3);
    Balancer b = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    CompletableFuture<FleetView> removed = a.fleet.remove(1, List.of("S2"));
    clock.forward(BEATS.interval().minusMillis(100));
    assertThat(orchestrator.answering("S2")).as("b may still be sending it requests").isNotNull();
    assertThat(b.ring()).containsExactly("S1", "S3");

    clock.forward(Duration.ofMillis(200));
    assertThat(removed).isCompleted();
    assertThat(orchestrator.answering("S2")).isNull();
  }

  @Test
  void aReplicaThatDiesIsRestartedByTheOrchestratorAndReplacedByNoBalancer() {
    Balancer a = new Balancer(3);
    Balancer b = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    orchestrator.kill("S2");
    clock.forward(BEATS.interval().multipliedBy(BEATS.fall() + 1));
    assertThat(a.ring()).containsExactly("S1", "S3");
    assertThat(b.ring()).containsExactly("S1", "S3");
    assertThat(a.told).anyMatch(line -> line.startsWith("died S2"));

    Replica again = orchestrator.restart("S2");
    clock.forward(BEATS.interval());

    assertThat(a.router.ring().replicas().get("S2")).hasValue(again);
    assertThat(b.router.ring().replicas().get("S2")).hasValue(again);
    assertThat(a.told).containsSubsequence("started S2", "joined S2");
    assertThat(orchestrator.calls).as("no balancer started or stopped anything: the orchestrator restarted it").containsExactly("start S1",
        "start S2", "start S3");
  }

  @Test
  void aReplicaRestartedBeforeItWasFoundDownIsFollowedToItsNewAddress() {
    Balancer a = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    Replica again = orchestrator.restart("S3");
    clock.forward(BEATS.interval());

    assertThat(a.router.ring().replicas().get("S3")).hasValue(again);
    assertThat(a.told).containsSubsequence("died S3 by heartbeats: the orchestrator restarted it", "started S3", "joined S3");
  }

  @Test
  void aListThatFailsChangesNothing() {
    Balancer a = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    orchestrator.unreachable = true;
    clock.forward(BEATS.interval().multipliedBy(4));

    assertThat(a.ring()).as("an orchestrator that cannot answer is not an empty fleet").containsExactly("S1", "S2", "S3");
    assertThat(a.told).noneMatch(line -> line.startsWith("removed"));
  }

  @Test
  void aRestartedBalancerAdoptsTheFleetAndLeavesItRunningWhenItStops() {
    Balancer a = new Balancer(3);
    clock.forward(Duration.ofMillis(200));
    a.fleet.remove(1, List.of("S3"));
    clock.forward(Duration.ofMillis(200));

    a.fleet.close();
    Balancer again = new Balancer(3);
    clock.forward(Duration.ofMillis(200));

    assertThat(again.ring()).as("the fleet as it was left: N does not undo a removal").containsExactly("S1", "S2");
    assertThat(orchestrator.calls).containsExactly("start S1", "start S2", "start S3", "stop S3");
  }
}
