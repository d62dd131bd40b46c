package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.core.HttpReplicas;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet with its real threads and clock, on replicas that are real HTTP servers: what
 * {@link FleetLoopTest} checks step by step, here as it runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetTest {

  /**
   * A heartbeat every 100 ms, each given a second: a killed replica refuses the next at once, and
   * a machine busy for longer than a short timeout would take a live one for dead.
   */
  private static final HeartbeatSettings FAST = new HeartbeatSettings(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1, "/heartbeat");

  private final HttpReplicas replicas = new HttpReplicas();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Router router = new Router(new ModuloRing(io.ringlb.api.ReplicaSet.empty()), 3);
  private final EngineClock clock = EngineClock.system();
  private Fleet fleet;

  private Fleet start(int n, int max) {
    fleet = new Fleet(new FleetSettings(n, max, "S", Duration.ofSeconds(5), FAST, true, Duration.ofSeconds(5), java.util.Map.of(), Weighing.WEIGHS), replicas, router,
        new HttpHeartbeat(client, FAST.timeout(), clock, "/heartbeat", false, virtualThreads), new SplittableRandom(7), FleetListener.NONE, clock);
    fleet.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> inRing().size() == n);
    return fleet;
  }

  private Set<String> inRing() {
    return Set.copyOf(router.ring().replicas().asList().stream().map(Replica::name).toList());
  }

  @AfterEach
  void closeFleet() {
    if (fleet != null) {
      fleet.close();
    }
    replicas.stopAll();
    virtualThreads.close();
    client.close();
    clock.close();
  }

  @Test
  void startsNReplicasNamedS1ToSnAndPutsThemInTheRing() {
    start(3, 10);

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3");
    assertThat(fleet.serving()).isTrue();
  }

  @Test
  void aChangeOfWeightTakesEffectInTheRingAtOnceAndItsDryRunChangesNothing() throws Exception {
    start(3, 10);

    ChangePlan plan = fleet.planReweigh("s2", 3).get(5, TimeUnit.SECONDS);
    assertThat(plan.reweighed()).containsExactly("S2");
    assertThat(plan.joining()).isEmpty();
    assertThat(router.ring().weight("S2")).as("a dry run changes nothing").isEqualTo(1);

    fleet.reweigh("s2", 3).get(5, TimeUnit.SECONDS);
    assertThat(router.ring().weight("S2")).isEqualTo(3);
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3");

    assertThatThrownBy(() -> fleet.reweigh("S9", 2).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
        .hasMessageContaining("Hostname 'S9' is not among the replicas");
    assertThatThrownBy(() -> fleet.reweigh("S1", 0).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
        .hasMessageContaining("must be an integer from 1 to 1000, was 0");
    assertThatThrownBy(() -> fleet.planReweigh("S1", 1001).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class);
    assertThat(router.ring().weight("S1")).as("refused, nothing changed").isEqualTo(1);
  }

  @Test
  void addAnswersOnceTheNewReplicasAreInTheRing() {
    start(3, 10);

    FleetView view = fleet.add(3, List.of("S5", "web-1")).join();

    assertThat(view.replicas()).containsExactly("S1", "S2", "S3", "S5", "web-1", "S4");
    assertThat(view.n()).isEqualTo(6);
    assertThat(inRing()).containsExactlyInAnyOrderElementsOf(view.replicas());
    assertThat(replicas.names()).containsExactlyInAnyOrderElementsOf(view.replicas());
  }

  @Test
  void removeAnswersOnceTheReplicasAreOutOfTheRingAndStopped() {
    start(5, 10);

    FleetView view = fleet.remove(3, List.of("S2")).join();

    assertThat(view.n()).isEqualTo(2);
    assertThat(view.replicas()).doesNotContain("S2");
    assertThat(inRing()).containsExactlyInAnyOrderElementsOf(view.replicas());
    assertThat(replicas.names()).containsExactlyInAnyOrderElementsOf(view.replicas());
  }

  @Test
  void aKilledReplicaLeavesTheRingAndIsReplacedUnderTheSameName() {
    start(3, 10);
    Replica before = router.ring().replicas().get("S2").orElseThrow();

    long killedAt = System.nanoTime();
    replicas.kill("S2");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> !inRing().contains("S2"));
    long detected = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> inRing().contains("S2"));
    long replaced = System.nanoTime();

    System.out.printf("[fleet] S2 killed: out of the ring after %d ms, a new S2 in it after %d ms%n",
        (detected - killedAt) / 1_000_000, (replaced - killedAt) / 1_000_000);
    Replica after = router.ring().replicas().get("S2").orElseThrow();
    assertThat(after.port()).isNotEqualTo(before.port());
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
  }

  @Test
  void concurrentAdminCallsAreSerializedAndAllTakeEffect() throws Exception {
    start(2, 20);

    // from threads of their own, as requests come
    List<CompletableFuture<FleetView>> calls =
        List.of(
            CompletableFuture.supplyAsync(() -> fleet.add(2, List.of("a1")).join(), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.add(2, List.of("b1")).join(), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.remove(1, List.of("S1")).join(), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.add(1, List.of()).join(), virtualThreads));
    for (CompletableFuture<FleetView> call : calls) {
      call.get(30, TimeUnit.SECONDS);
    }

    FleetView view = fleet.view();
    assertThat(view.n()).isEqualTo(2 + 2 + 2 - 1 + 1);
    // whatever order the calls ran in; a generated name may reuse S1 once it was removed
    assertThat(view.replicas()).contains("a1", "b1", "S2").doesNotHaveDuplicates();
    await().atMost(Duration.ofSeconds(5)).until(() -> inRing().equals(Set.copyOf(view.replicas())));
    assertThat(replicas.names()).containsExactlyInAnyOrderElementsOf(view.replicas());
  }

  @Test
  void aReplacementStillStartingWhenTheFleetClosesIsStoppedToo() {
    start(3, 10);
    replicas.startDelay = Duration.ofMillis(500);

    // as a signal to the balancer's whole process group does: a replica dies as the balancer stops
    replicas.kill("S1");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
        .until(() -> replicas.starts.stream().filter("S1"::equals).count() == 2); // its replacement is starting
    fleet.close();
    fleet = null;

    assertThat(replicas.names()).as("replicas running after close").isEmpty();
  }

  @Test
  void closeStopsEveryReplica() {
    start(3, 10);

    fleet.close();
    fleet = null;

    assertThat(replicas.names()).isEmpty();
  }
}
