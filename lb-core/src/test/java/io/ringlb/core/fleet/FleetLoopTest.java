package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet's control loop, driven by hand: events run on the test's thread, time moves only
 * by {@link FakeClock#forward}, launcher calls run when the test lets them. Nothing sleeps and
 * nothing races, so each test states exactly what happens after exactly how long.
 */
class FleetLoopTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final HeartbeatSettings BEATS = new HeartbeatSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(1), 2, 1, "/heartbeat");

  private final FakeClock clock = new FakeClock();
  private final FakeLauncher launcher = new FakeLauncher();
  private final FakeProbe probe = new FakeProbe(launcher);
  private final Router router = new Router(new ModuloRing(ReplicaSet.empty()), 3);
  /** Launcher calls wait here until {@link #runLaunches} when {@link #holdLaunches} is set; otherwise they run at once. */
  private final Queue<Runnable> launches = new ArrayDeque<>();
  private boolean holdLaunches;
  private final List<LogRecord> log = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      log.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Fleet fleet;

  /** What the fleet told its listener, one line each: "joined S1", "died S2 by requests: requests failed". */
  private final RecordingListener events = new RecordingListener();
  private final List<String> told = events.told;

  /** The log of the fleet's parts; held here, as the log manager holds a logger weakly. */
  private final Logger fleetLog = Logger.getLogger(Fleet.class.getPackageName());

  private Fleet start(int n, int max) {
    fleetLog.addHandler(capture);
    Executor launchThreads = call -> {
      if (holdLaunches) {
        launches.add(call);
      } else {
        call.run();
      }
    };
    fleet = new Fleet(new FleetSettings(n, max, "S", START_TIMEOUT, BEATS, true, DRAIN_TIMEOUT, Map.of(), Weighing.WEIGHS), launcher, router, probe, new SplittableRandom(7),
        events, clock, Runnable::run, launchThreads);
    fleet.start();
    return fleet;
  }

  private void runLaunches() {
    while (!launches.isEmpty()) {
      launches.poll().run();
    }
  }

  private Set<String> inRing() {
    return Set.copyOf(router.ring().replicas().asList().stream().map(Replica::name).toList());
  }

  private Replica inRing(String name) {
    return router.ring().replicas().get(name).orElseThrow();
  }

  private static FleetException failure(CompletableFuture<FleetView> call) {
    assertThat(call).isCompletedExceptionally();
    try {
      call.join();
      throw new AssertionError("completed normally");
    } catch (CompletionException e) {
      return (FleetException) e.getCause();
    }
  }

  @AfterEach
  void removeCapture() {
    fleetLog.removeHandler(capture);
  }

  @Test
  void startedReplicasJoinTheRingAtTheirFirstPassingHeartbeat() {
    start(3, 10);

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3");
    assertThat(launcher.starts).containsExactly("S1", "S2", "S3");
  }

  @Test
  void aReplicaStillStartingIsProbedEveryTickUntilItPasses() {
    start(1, 10);
    probe.answers.put("S2", Outcome.FAILED); // listening, not yet answering

    CompletableFuture<FleetView> add = fleet.add(1, List.of());
    assertThat(add).isNotDone();
    int sent = probe.sent;
    clock.forward(Duration.ofSeconds(1));
    assertThat(probe.sent - sent).as("heartbeats to a starting replica in 1 s").isGreaterThanOrEqualTo(10);
    assertThat(add).isNotDone();

    probe.answers.remove("S2");
    clock.forward(Fleet.TICK);

    assertThat(add).isCompletedWithValue(new FleetView(List.of("S1", "S2")));
    assertThat(inRing()).contains("S2");
    assertThat(events.events()).as("a booting replica's probes are no heartbeat failures").doesNotContain("heartbeat failed S2")
        .containsSubsequence("started S2", "joined S2");
  }

  @Test
  void aDeadReplicaIsReplacedAtOnceAndTheReplacementJoinsOnItsFirstPass() {
    start(3, 10);
    Replica before = inRing("S2");

    launcher.running.remove("S2"); // SIGKILL: connections refused from now on
    fleet.reportFailure(before, Outcome.FAILED);
    fleet.reportFailure(before, Outcome.FAILED);

    assertThat(launcher.kills).containsExactly(before);
    assertThat(launcher.starts).containsExactly("S1", "S2", "S3", "S2");
    assertThat(inRing()).doesNotContain("S2");
    clock.forward(Fleet.TICK);
    Replica after = inRing("S2");
    assertThat(after.port()).isNotEqualTo(before.port());
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(told).containsSubsequence("joined S2", "died S2 by requests: requests failed", "started S2", "joined S2");
  }

  @Test
  void aRequestFailureCountsAsAMissedHeartbeat() {
    start(2, 10);
    Replica s1 = inRing("S1");

    fleet.reportFailure(s1, Outcome.FAILED);
    assertThat(inRing()).contains("S1");
    fleet.reportFailure(s1, Outcome.FAILED);

    assertThat(launcher.kills).containsExactly(s1);
  }

  @Test
  void slownessEjectsReplicasOnlyWhileHalfTheRingStays() {
    start(4, 10);
    launcher.failing.addAll(List.of("S1", "S2", "S3", "S4")); // an ejected replica stays out: its replacement cannot start
    List<Replica> four = router.ring().replicas().asList();

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
  void aReplicaWhoseHeartbeatsTimeOutWhileItAnswersRequestsIsSlowNotDead() {
    start(3, 10);
    Replica s2 = inRing("S2");
    probe.answers.put("S2", Outcome.TIMED_OUT); // a cold replica under a burst: its heartbeat waits behind the requests
    probe.meanwhile.put("S2", () -> router.loads().answered(s2)); // while the data plane hears its answers, however late

    for (int tick = 0; tick < 100; tick++) { // 10 s
      if (tick % 10 == 0) {
        fleet.reportFailure(s2, Outcome.TIMED_OUT); // and a request of its own times out now and then
      }
      clock.forward(Fleet.TICK);
    }

    assertThat(inRing()).contains("S2");
    assertThat(launcher.kills).isEmpty();
    assertThat(events.events()).as("late heartbeats are heartbeat failures, but no death").contains("heartbeat failed S2")
        .noneMatch(line -> line.startsWith("died"));
  }

  @Test
  void aReplicaWhoseRequestsTimeOutByTheDozenWhileItAnswersOthersStays() {
    start(3, 10);
    Replica s2 = inRing("S2");

    for (int tick = 0; tick < 100; tick++) { // 10 s of a burst
      router.loads().answered(s2); // it answers, behind a full accept queue
      if (tick % 10 == 5) {
        for (int request = 0; request < 20; request++) {
          fleet.reportFailure(s2, Outcome.TIMED_OUT); // the connections that waited in that queue time out together
        }
      }
      clock.forward(Fleet.TICK);
    }

    assertThat(inRing()).contains("S2");
    assertThat(launcher.kills).isEmpty();
  }

  @Test
  void aHungReplicaThatAnswersNothingLeavesTheRingWithinAnIntervalAndATick() {
    start(3, 10);
    clock.forward(Duration.ofMillis(450)); // the heartbeats of S1..S3 went out at the start: the next are 50 ms away
    Replica s2 = inRing("S2");
    router.loads().answered(s2); // it answered until now

    probe.answers.put("S2", Outcome.TIMED_OUT); // SIGSTOP: the kernel takes connections, nothing answers
    clock.forward(Duration.ofMillis(100)); // the interval's heartbeat times out: one miss, and a probe again at once
    assertThat(inRing()).contains("S2");
    clock.forward(Fleet.TICK);

    assertThat(inRing()).as("out after the next tick's heartbeat, not an interval later").doesNotContain("S2");
    assertThat(told).contains("died S2 by heartbeats: GET http://127.0.0.1:" + s2.port() + "/heartbeat: TIMED_OUT");
  }

  @Test
  void aReplicaThatGoesSilentWithRequestsWaitingOnItIsProbedAtOnceNotAnIntervalLater() {
    start(3, 10);
    clock.forward(Fleet.TICK); // the heartbeats of S1..S3 went out at the start: the next are 400 ms away
    Replica s2 = inRing("S2");

    probe.answers.put("S2", Outcome.TIMED_OUT); // paused, with clients' requests on it and no answer coming
    router.loads().begin(s2);
    router.loads().begin(s2);
    clock.forward(Fleet.TICK); // in flight and no answer since the last look: a heartbeat now, which times out
    assertThat(inRing()).contains("S2");
    clock.forward(Fleet.TICK); // and again at once

    assertThat(inRing()).as("out 200 ms after it went silent, 300 ms before its next heartbeat was due").doesNotContain("S2");
  }

  @Test
  void aHeartbeatThatAnswersLateIsAPassWhenNoClientWaits() {
    start(3, 10);
    clock.forward(Duration.ofMillis(450)); // the next heartbeats go in 50 ms
    probe.holding.add("S2"); // a replica that no request waits on, on a saturated machine

    clock.forward(Duration.ofMillis(900)); // past the 250 ms timeout, within the 1 s idle timeout
    probe.holding.clear();
    probe.held.forEach(late -> late.complete(new Heartbeat(Outcome.PASSED, "GET /heartbeat: 200, 900 ms late")));
    clock.forward(Duration.ofSeconds(2));

    assertThat(inRing()).contains("S2");
    assertThat(launcher.kills).isEmpty();
    assertThat(told).noneMatch(line -> line.startsWith("died") || line.startsWith("heartbeat failed"));
  }

  @Test
  void aReplicaClientsWaitOnInSilenceWhoseProcessIsStoppedIsDeadAtTheTimeout() {
    start(3, 10);
    clock.forward(Fleet.TICK);
    Replica s2 = inRing("S2");
    probe.holding.add("S2"); // paused: its heartbeats are taken, never answered
    launcher.stopped.add("S2"); // and the provider sees it so
    router.loads().begin(s2);

    forwardWhileAnswering(Duration.ofMillis(100), "S1"); // no answer since the last look with a request waiting: a heartbeat now
    assertThat(inRing()).contains("S2");
    forwardWhileAnswering(Duration.ofMillis(300), "S1"); // unanswered past 250 ms, and the request too, while S1 answers: the provider is asked

    assertThat(inRing()).as("out 400 ms after it went silent").doesNotContain("S2");
    assertThat(launcher.kills).containsExactly(s2);
    assertThat(told).contains("died S2 by heartbeats: its process is stopped");
  }

  @Test
  void aReplicaClientsWaitOnInSilenceThatStillRunsIsJudgedByTheIdleTimeout() {
    start(3, 10);
    clock.forward(Fleet.TICK);
    Replica s2 = inRing("S2");
    probe.holding.add("S2"); // a cold replica under a burst: it runs, and for a moment answers nothing
    router.loads().begin(s2);

    forwardWhileAnswering(Duration.ofMillis(900), "S1");
    assertThat(inRing()).as("silent 900 ms with a request waiting, and running: slow").contains("S2");

    probe.held.getFirst().complete(new Heartbeat(Outcome.PASSED, "GET /heartbeat: 200, 950 ms late"));
    probe.holding.clear();
    forwardWhileAnswering(Duration.ofSeconds(3), "S1", "S2");
    assertThat(inRing()).contains("S2");
    assertThat(launcher.kills).isEmpty();
  }

  @Test
  void aStoppedReplicaLeavesTheRingWhateverTheEjectionCap() {
    start(3, 10);
    clock.forward(Fleet.TICK);
    launcher.failing.add("S1"); // S1 dies and its replacement cannot start: two of three left
    launcher.running.remove("S1");
    Replica s1 = inRing("S1");
    fleet.reportFailure(s1, Outcome.FAILED);
    fleet.reportFailure(s1, Outcome.FAILED);
    Replica s2 = inRing("S2");
    probe.holding.add("S2");
    launcher.stopped.add("S2");
    router.loads().begin(s2);

    forwardWhileAnswering(Duration.ofSeconds(1), "S3");

    assertThat(inRing()).as("only S3 left: a stopped S2 kept in the ring would only hold its clients").containsExactly("S3");
  }

  @Test
  void whenNoReplicaAnswersTheBalancerOrTheMachineStalledAndSilenceWaitsForTheIdleTimeout() {
    start(3, 10);
    clock.forward(Fleet.TICK);
    Replica s2 = inRing("S2");
    probe.holding.add("S2");
    launcher.stopped.add("S2");
    router.loads().begin(s2);
    router.loads().begin(inRing("S1")); // requests wait everywhere, and nothing answers: a pause of the balancer's own JVM, say

    clock.forward(Duration.ofMillis(900));
    assertThat(inRing()).as("no replica's silence tells on it when all are silent: the provider is not even asked").contains("S2");

    probe.held.forEach(heartbeat -> heartbeat.complete(new Heartbeat(Outcome.TIMED_OUT, "GET /heartbeat: no answer within 1000 ms")));
    clock.forward(Fleet.TICK);
    probe.held.forEach(heartbeat -> heartbeat.complete(new Heartbeat(Outcome.TIMED_OUT, "GET /heartbeat: no answer within 1000 ms")));
    clock.forward(Fleet.TICK);

    assertThat(inRing()).as("still silent at the idle timeout, twice: hung").doesNotContain("S2");
  }

  /** Moves time on a tick at a time, the data plane hearing an answer from each of {@code answering} every tick. */
  private void forwardWhileAnswering(Duration by, String... answering) {
    for (long passed = 0; passed < by.toMillis(); passed += Fleet.TICK.toMillis()) {
      for (String name : answering) {
        router.loads().answered(inRing(name));
      }
      clock.forward(Fleet.TICK);
    }
  }

  @Test
  void aReplicaThatSaysItIsNotReadyLeavesTheRingAliveAndComesBack() {
    start(2, 10);
    Replica s1 = inRing("S1");

    probe.answers.put("S1", Outcome.UNREADY);
    clock.forward(Duration.ofSeconds(1)); // two heartbeats: fall

    assertThat(inRing()).containsExactly("S2");
    assertThat(launcher.kills).as("a replica that answers is not replaced").isEmpty();

    probe.answers.remove("S1");
    clock.forward(Fleet.TICK);
    assertThat(inRing("S1")).isEqualTo(s1);
    assertThat(events.events()).containsSubsequence("heartbeat failed S1", "heartbeat failed S1", "left S1", "joined S1")
        .noneMatch(line -> line.startsWith("died S1"));
  }

  @Test
  void aReplicaNotReadyForAWholeStartTimeoutIsReplaced() {
    start(2, 10);
    Replica s1 = inRing("S1");
    probe.answers.put("S1", Outcome.UNREADY);
    clock.forward(Duration.ofSeconds(1));

    clock.forward(START_TIMEOUT.plusSeconds(1));

    assertThat(launcher.stops).containsExactly(s1);
    assertThat(launcher.starts).containsExactly("S1", "S2", "S1");
  }

  @Test
  void aReplicaThatNeverPassesIsLoggedWithTheAddressTriedAndTheSettingToChange() {
    probe.answers.put("S1", Outcome.FAILED);
    start(1, 10);

    clock.forward(START_TIMEOUT.plus(Fleet.TICK));

    assertThat(log).anySatisfy(record -> {
      assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
      String message = java.text.MessageFormat.format(record.getMessage(), record.getParameters());
      assertThat(message).contains("S1 at 127.0.0.1:20000", "GET http://127.0.0.1:20000/heartbeat", "lb.provider.fake.address");
    });
  }

  @Test
  void repeatedFailedStartsBackOffAndSayWhy() {
    launcher.failing.add("S1");
    start(1, 10);
    assertThat(launcher.starts).containsExactly("S1");

    clock.forward(Duration.ofMillis(400));
    assertThat(launcher.starts).as("within the first backoff, 0.5 s").hasSize(1);
    clock.forward(Duration.ofMillis(200));
    assertThat(launcher.starts).hasSize(2);
    clock.forward(Duration.ofMillis(800));
    assertThat(launcher.starts).as("the second backoff is 1 s").hasSize(2);
    clock.forward(Duration.ofMillis(200));
    assertThat(launcher.starts).hasSize(3);

    assertThat(fleet.problems()).singleElement().asString()
        .startsWith("S1: 3 starts failed; last: the provider could not start it");
    assertThat(fleet.serving()).isFalse();

    launcher.failing.clear();
    clock.forward(Duration.ofSeconds(3));
    assertThat(inRing()).containsExactly("S1");
    assertThat(fleet.problems()).isEmpty();
  }

  @Test
  void addAnswersOnceEveryNewReplicaIsInTheRing() {
    start(3, 10);
    holdLaunches = true;

    CompletableFuture<FleetView> add = fleet.add(3, List.of("S5", "web-1"));
    assertThat(fleet.view().replicas()).as("wanted at once").containsExactly("S1", "S2", "S3", "S5", "web-1", "S4");
    runLaunches();
    assertThat(add).isNotDone();
    clock.forward(Fleet.TICK);

    assertThat(add).isCompletedWithValue(new FleetView(List.of("S1", "S2", "S3", "S5", "web-1", "S4")));
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2", "S3", "S5", "web-1", "S4");
  }

  @Test
  void anAddWhoseReplicaCannotStartIsRolledBackAndSaysNothingOfTheProvider() {
    start(2, 10);
    launcher.failing.add("S9");

    FleetException refused = failure(fleet.add(2, List.of("S9")));

    assertThat(refused.reason()).isEqualTo(FleetException.Reason.UNAVAILABLE);
    assertThat(refused).hasMessage("Could not start [S9, S3]: a replica could not be started (the balancer's log says why); nothing was added")
        .message().doesNotContain("10.0.0.7");
    assertThat(fleet.view().replicas()).containsExactly("S1", "S2");
    assertThat(launcher.names()).containsExactlyInAnyOrder("S1", "S2");
  }

  @Test
  void anAddWhoseReplicasDoNotPassInTimeIsRolledBack() {
    start(1, 10);
    probe.answers.put("S2", Outcome.FAILED);

    CompletableFuture<FleetView> add = fleet.add(1, List.of());
    clock.forward(START_TIMEOUT.plus(Fleet.TICK));

    assertThat(failure(add)).hasMessage("Could not start [S2]: they did not pass a heartbeat within 20 s; nothing was added");
    assertThat(fleet.view().replicas()).containsExactly("S1");
    assertThat(launcher.names()).containsExactly("S1");
    assertThat(told).as("what was made for it goes with it").containsSubsequence("started S2", "removed S2");
  }

  @Test
  void aRemovedReplicaLeavesTheRingAtOnceAndStopsOnceItsRequestsHaveEnded() {
    start(3, 10);
    Replica s2 = inRing("S2");
    router.loads().begin(s2);
    router.loads().begin(s2);

    CompletableFuture<FleetView> remove = fleet.remove(1, List.of("S2"));

    assertThat(inRing()).as("no new request goes to it").containsExactlyInAnyOrder("S1", "S3");
    assertThat(launcher.stops).as("its two requests still run").isEmpty();
    router.loads().end(s2);
    clock.forward(Fleet.TICK);
    assertThat(launcher.stops).isEmpty();
    assertThat(remove).isNotDone();

    router.loads().end(s2);
    clock.forward(Fleet.TICK);

    assertThat(launcher.stops).containsExactly(s2);
    assertThat(remove).isCompletedWithValue(new FleetView(List.of("S1", "S3")));
    assertThat(told).containsOnlyOnce("removed S2");
  }

  @Test
  void aReplicaThatDoesNotFinishItsRequestsWithinTheDrainTimeoutIsStoppedAnyway() {
    start(3, 10);
    Replica s2 = inRing("S2");
    router.loads().begin(s2); // a request that never ends

    CompletableFuture<FleetView> remove = fleet.remove(1, List.of("S2"));
    clock.forward(DRAIN_TIMEOUT.minus(Fleet.TICK));
    assertThat(launcher.stops).isEmpty();
    clock.forward(Fleet.TICK.multipliedBy(2));

    assertThat(launcher.stops).containsExactly(s2);
    assertThat(remove).isCompletedWithValue(new FleetView(List.of("S1", "S3")));
  }

  @Test
  void aRemovedReplicaWithNothingInFlightStopsAtOnce() {
    start(3, 10);
    Replica s2 = inRing("S2");

    CompletableFuture<FleetView> remove = fleet.remove(1, List.of("S2"));

    assertThat(launcher.stops).containsExactly(s2);
    assertThat(remove).isCompletedWithValue(new FleetView(List.of("S1", "S3")));
  }

  @Test
  void anAddsWeightsGoIntoTheRingWithItsReplicas() {
    start(3, 10);

    CompletableFuture<FleetView> add = fleet.add(2, List.of("S5", "S4"), Map.of("s5", 3));
    clock.forward(Fleet.TICK);

    assertThat(add).isCompleted();
    assertThat(add.join().replicas()).contains("S4", "S5");
    assertThat(router.ring().weight("S5")).isEqualTo(3);
    assertThat(router.ring().weight("S4")).isEqualTo(1);
  }

  @Test
  void badWeightsAreRefusedAndChangeNothing() {
    start(3, 10);

    assertThat(failure(fleet.add(1, List.of("S5"), Map.of("S6", 2)))).hasMessage("A weight is given for 'S6', which is not among the hostnames added");
    assertThat(failure(fleet.add(1, List.of("S5"), Map.of("S5", 0)))).hasMessage("The weight of 'S5' must be an integer from 1 to 1000, was 0");
    assertThat(failure(fleet.add(1, List.of(), Map.of("S4", 2)))).hasMessage("A weight is given for 'S4', which is not among the hostnames added");
    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(launcher.starts).containsExactly("S1", "S2", "S3");
  }

  @Test
  void removeTakesNamesInAnyCaseAsAddDoes() {
    start(3, 10);
    assertThat(failure(fleet.add(1, List.of("s1")))).hasMessage("Hostname 's1' is already in use");

    FleetView view = fleet.remove(1, List.of("s2")).join();

    assertThat(view.replicas()).containsExactly("S1", "S3");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S3");
    assertThat(launcher.names()).containsExactlyInAnyOrder("S1", "S3");
  }

  @Test
  void aRemovalWaitsForItsStopsHoweverLongTheyTake() {
    start(3, 10);
    holdLaunches = true;

    CompletableFuture<FleetView> remove = fleet.remove(2, List.of());
    clock.forward(START_TIMEOUT.multipliedBy(2)); // a slow engine: the stops are still out
    assertThat(remove).isNotDone();
    assertThat(inRing()).hasSize(1);
    runLaunches();

    assertThat(remove.join().n()).isEqualTo(1);
    assertThat(launcher.names()).hasSize(1);
  }

  @Test
  void aLongNameIsCutInTheMessage() {
    start(1, 10);
    String huge = "x".repeat(2_000);

    FleetException refused = failure(fleet.remove(1, List.of(huge)));

    assertThat(refused.getMessage()).hasSizeLessThan(200).contains("'" + "x".repeat(64) + "...' (2000 characters)");
  }

  @Test
  void refusedCallsSayWhyAndChangeNothing() {
    start(3, 5);

    assertThat(failure(fleet.add(1, List.of("S4", "S5")))).hasMessage("Length of hostname list is more than newly added instances");
    assertThat(failure(fleet.add(0, List.of()))).hasMessage("'n' must be a positive integer, was 0");
    assertThat(failure(fleet.add(2, List.of("S9", "s9")))).hasMessage("Hostname 's9' appears more than once");
    assertThat(failure(fleet.add(1, List.of("bad_name")))).hasMessageStartingWith("'bad_name' is not a valid hostname");
    assertThat(failure(fleet.add(3, List.of()))).hasMessage("Adding 3 would make 6 replicas, more than the maximum of 5");
    assertThat(failure(fleet.remove(1, List.of("S9")))).hasMessage("Hostname 'S9' is not among the replicas [S1, S2, S3]");
    assertThat(failure(fleet.remove(4, List.of()))).hasMessage("Cannot remove 4 replicas: there are 3");

    assertThat(fleet.view().replicas()).containsExactly("S1", "S2", "S3");
    assertThat(launcher.starts).containsExactly("S1", "S2", "S3");
  }

  @Test
  void adminCallsAreCarriedOutOneAfterAnother() {
    start(1, 10);
    holdLaunches = true;

    CompletableFuture<FleetView> add = fleet.add(1, List.of("a1"));
    CompletableFuture<FleetView> remove = fleet.remove(1, List.of("a1"));
    runLaunches();
    assertThat(remove).as("waits for the add before it").isNotDone();
    clock.forward(Fleet.TICK);
    assertThat(add).isCompletedWithValue(new FleetView(List.of("S1", "a1")));
    runLaunches(); // the remove's stop
    assertThat(remove).isCompletedWithValue(new FleetView(List.of("S1")));
  }

  @Test
  void aReplacementDoesNotWaitBehindAnotherReplicasStart() {
    start(2, 10);
    holdLaunches = true;
    CompletableFuture<FleetView> add = fleet.add(1, List.of("slow"));
    Runnable slowStart = launches.poll(); // the provider takes its time over this one
    Replica s1 = inRing("S1");
    launcher.running.remove("S1");
    fleet.reportFailure(s1, Outcome.FAILED);
    fleet.reportFailure(s1, Outcome.FAILED);

    runLaunches(); // S1's stop and start, while the slow start is still out
    clock.forward(Fleet.TICK);

    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S2");
    assertThat(add).isNotDone();
    slowStart.run();
    clock.forward(Fleet.TICK);
    assertThat(add).isCompletedWithValue(new FleetView(List.of("S1", "S2", "slow")));
  }

  @Test
  void adoptsTheReplicasAlreadyRunningInsteadOfStartingDuplicates() {
    launcher.start(new io.ringlb.api.ReplicaSpec("S7", 7));
    launcher.start(new io.ringlb.api.ReplicaSpec("S1", 1));
    launcher.starts.clear();

    start(3, 10);

    assertThat(fleet.view().replicas()).containsExactly("S1", "S7", "S2");
    assertThat(launcher.starts).containsExactly("S2");
    assertThat(inRing()).containsExactlyInAnyOrder("S1", "S7", "S2");
  }

  @Test
  void shuttingDownStopsEveryReplicaAndWhatAStartStillOutStarted() {
    start(2, 10);
    holdLaunches = true;
    Replica s1 = inRing("S1");
    launcher.running.remove("S1");
    fleet.reportFailure(s1, Outcome.FAILED);
    fleet.reportFailure(s1, Outcome.FAILED); // its replacement is now with the launcher
    CompletableFuture<FleetView> waiting = fleet.add(1, List.of());

    CompletableFuture<Void> stopped = fleet.shutdown();
    runLaunches();

    assertThat(stopped).isDone();
    assertThat(launcher.names()).isEmpty();
    assertThat(failure(waiting)).hasMessage("The balancer is shutting down; nothing was changed");
  }

  @Test
  void aStrayReplicaNoMemberOwnsIsStopped() {
    start(1, 10);
    launcher.start(new io.ringlb.api.ReplicaSpec("S9", 9)); // left by a failed stop

    clock.forward(Duration.ofSeconds(1));

    assertThat(launcher.names()).containsExactly("S1");
  }
}
