package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.core.HttpReplicas;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Router;
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

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetTest {

  private static final HeartbeatSettings FAST = new HeartbeatSettings(Duration.ofMillis(100), Duration.ofMillis(100), 2, 1);

  private final HttpReplicas replicas = new HttpReplicas();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Router router = new Router(new ModuloRing(io.ringlb.api.ReplicaSet.empty()), 3);
  private Fleet fleet;

  private Fleet start(int n, int max) {
    fleet = new Fleet(new FleetSettings(n, max, "S", Duration.ofSeconds(5), FAST, true), replicas, router,
        new HttpHeartbeat(client, FAST.timeout(), virtualThreads), new SplittableRandom(7));
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
  }

  @Test
  void startsNReplicasNamedS1ToSnAndPutsThemInTheRing() {
    start(3, 10);

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3");
    assertThat(fleet.serving()).isTrue();
  }

  @Test
  void addAnswersOnceTheNewReplicasAreInTheRing() {
    start(3, 10);

    FleetView view = fleet.add(3, List.of("S5", "web-1"));

    assertThat(view.replicas()).containsExactly("S1", "S2", "S3", "S5", "web-1", "S4");
    assertThat(view.n()).isEqualTo(6);
    assertThat(inRing()).containsExactlyInAnyOrderElementsOf(view.replicas());
    assertThat(replicas.names()).containsExactlyInAnyOrderElementsOf(view.replicas());
  }

  @Test
  void removeAnswersOnceTheReplicasAreOutOfTheRingAndStopped() {
    start(5, 10);

    FleetView view = fleet.remove(3, List.of("S2"));

    assertThat(view.n()).isEqualTo(2);
    assertThat(view.replicas()).doesNotContain("S2");
    assertThat(inRing()).containsExactlyInAnyOrderElementsOf(view.replicas());
    assertThat(replicas.names()).containsExactlyInAnyOrderElementsOf(view.replicas());
  }

  @Test
  void refusedCallsSayWhyAndChangeNothing() {
    start(3, 5);
    int startsBefore = replicas.starts.size();

    assertRefused(() -> fleet.add(1, List.of("S4", "S5")), "Length of hostname list is more than newly added instances");
    assertRefused(() -> fleet.add(0, List.of()), "'n' must be a positive integer, was 0");
    assertRefused(() -> fleet.add(2, List.of("S1")), "Hostname 'S1' is already in use");
    assertRefused(() -> fleet.add(2, List.of("s1")), "Hostname 's1' is already in use");
    assertRefused(() -> fleet.add(2, List.of("S9", "S9")), "Hostname 'S9' appears more than once");
    assertRefused(() -> fleet.add(1, List.of("bad_name")), "'bad_name' is not a valid hostname: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen");
    assertRefused(() -> fleet.add(1, List.of("-x")), "'-x' is not a valid hostname: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen");
    assertRefused(() -> fleet.add(3, List.of()), "Adding 3 would make 6 replicas, more than the maximum of 5");
    assertRefused(() -> fleet.remove(1, List.of("S1", "S2")), "Length of hostname list is more than removable instances");
    assertRefused(() -> fleet.remove(1, List.of("S9")), "Hostname 'S9' is not among the replicas [S1, S2, S3]");
    assertRefused(() -> fleet.remove(4, List.of()), "Cannot remove 4 replicas: there are 3");
    assertRefused(() -> fleet.remove(-1, List.of()), "'n' must be a positive integer, was -1");

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3");
    assertThat(replicas.starts).hasSize(startsBefore);
  }

  private static void assertRefused(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.reason()).isEqualTo(FleetException.Reason.INVALID_REQUEST))
        .hasMessage(message);
  }

  @Test
  void anAddWhoseReplicaCannotStartIsRolledBack() {
    start(2, 10);
    replicas.failing.add("S9");

    assertThatThrownBy(() -> fleet.add(2, List.of("S9")))
        .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.reason()).isEqualTo(FleetException.Reason.UNAVAILABLE))
        .hasMessageStartingWith("Could not start [S9, S3]: cannot start S9: told to fail; nothing was added");

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2");
    await().atMost(Duration.ofSeconds(5)).until(() -> replicas.names().equals(Set.of("S1", "S2")));
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2");
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
  void aRequestFailureCountsAsAMissedHeartbeat() {
    fleet = new Fleet(new FleetSettings(2, 10, "S", Duration.ofSeconds(5), new HeartbeatSettings(Duration.ofSeconds(30), Duration.ofMillis(100), 2, 1), true),
        replicas, router, new HttpHeartbeat(client, Duration.ofMillis(100), virtualThreads), new SplittableRandom(7));
    fleet.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> inRing().size() == 2);
    Replica s1 = router.ring().replicas().get("S1").orElseThrow();
    replicas.failing.add("S1"); // so it stays out: no replacement comes up

    fleet.reportFailure(s1, Outcome.FAILED);
    assertThat(inRing()).contains("S1");
    fleet.reportFailure(s1, Outcome.FAILED);

    assertThat(inRing()).doesNotContain("S1"); // at once: no heartbeat is due for 30 s
  }

  @Test
  void slownessEjectsReplicasOnlyWhileHalfTheRingStays() {
    fleet = new Fleet(new FleetSettings(4, 10, "S", Duration.ofSeconds(5), new HeartbeatSettings(Duration.ofSeconds(30), Duration.ofMillis(100), 2, 1), true),
        replicas, router, new HttpHeartbeat(client, Duration.ofMillis(100), virtualThreads), new SplittableRandom(7));
    fleet.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> inRing().size() == 4);
    List<Replica> four = router.ring().replicas().asList();

    replicas.failing.addAll(List.of("S1", "S2", "S3", "S4")); // ejected ones stay out: no replacement comes up
    // everyone times out at once, as when the machine is saturated
    for (int round = 0; round < 2; round++) {
      four.forEach(replica -> fleet.reportFailure(replica, Outcome.TIMED_OUT));
    }
    assertThat(inRing()).as("slow replicas ejected, no further than half").hasSize(2);

    // a replica that refuses connections is gone, however few are left
    Replica refusing = router.ring().replicas().get(0);
    fleet.reportFailure(refusing, Outcome.FAILED);
    fleet.reportFailure(refusing, Outcome.FAILED);
    assertThat(inRing()).hasSize(1).doesNotContain(refusing.name());
  }

  @Test
  void concurrentAdminCallsAreSerializedAndAllTakeEffect() throws Exception {
    start(2, 20);

    // admin calls block their caller, so they run on threads of their own, as requests would
    List<CompletableFuture<FleetView>> calls =
        List.of(
            CompletableFuture.supplyAsync(() -> fleet.add(2, List.of("a1")), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.add(2, List.of("b1")), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.remove(1, List.of("S1")), virtualThreads),
            CompletableFuture.supplyAsync(() -> fleet.add(1, List.of()), virtualThreads));
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
  void adoptsTheReplicasAlreadyRunningInsteadOfStartingDuplicates() {
    replicas.start(new io.ringlb.api.ReplicaSpec("S7", 7));
    replicas.start(new io.ringlb.api.ReplicaSpec("S1", 1));
    replicas.starts.clear();

    start(3, 10);

    assertThat(fleet.view().replicas()).containsExactlyInAnyOrder("S7", "S1", "S2");
    assertThat(replicas.starts).containsExactly("S2");
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
