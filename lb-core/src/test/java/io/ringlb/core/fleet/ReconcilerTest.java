package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.Replica;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The reconciler alone, its launcher calls and loop events run on the test's thread, its time a fake clock. */
class ReconcilerTest {

  private final FakeLauncher launcher = new FakeLauncher();
  private final FakeClock clock = new FakeClock();
  private final List<String> told = new ArrayList<>();
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Reconciler reconciler = new Reconciler(launcher, Runnable::run, Runnable::run, clock, new Reconciler.Results() {
    @Override
    public void started(Member member, Replica replica) {
      told.add("started " + replica.name() + " as " + replica.id());
    }

    @Override
    public void startFailed(Member member, String problem) {
      told.add("failed " + member.name);
      reconciler.backOff(member, problem, clock.nanoTime());
    }

    @Override
    public void listed(List<Replica> replicas) {
      told.add("listed " + replicas.size());
    }
  }, name -> inFlight.getOrDefault(name, 0), Duration.ofSeconds(10), Duration.ofSeconds(1));

  @Test
  void aWantedMemberIsStartedUnderTheLowestFreeId() {
    reconciler.want("S1", 1);
    reconciler.want("S2", 1);
    reconciler.reconcile(clock.nanoTime());

    assertThat(told).containsExactly("started S1 as 1", "started S2 as 2");
    assertThat(reconciler.generatedName("S", new java.util.HashSet<>())).isEqualTo("S3");
  }

  @Test
  void aFailedStartIsTriedAgainByATimerAfterABackoffThatDoubles() {
    launcher.failing.add("S1");
    reconciler.want("S1", 1);
    reconciler.reconcile(clock.nanoTime());
    assertThat(launcher.starts).containsExactly("S1");

    clock.forward(Duration.ofMillis(499));
    assertThat(launcher.starts).as("within the first backoff").hasSize(1);
    clock.forward(Duration.ofMillis(1));
    assertThat(launcher.starts).as("the timer, not a poll, started it").hasSize(2);
    clock.forward(Duration.ofMillis(999));
    assertThat(launcher.starts).as("the second backoff is 1 s").hasSize(2);

    launcher.failing.clear();
    clock.forward(Duration.ofMillis(1));
    assertThat(told).endsWith("started S1 as 1");
    assertThat(reconciler.get("s1").problem).as("until it passes a heartbeat, readiness says what went wrong").isNotNull();
    reconciler.ready(reconciler.get("S1"));
    assertThat(reconciler.get("S1").problem).isNull();
  }

  @Test
  void aDrainedReplicaStopsOnceItsRequestsHaveEndedOrAtTheDrainTimeout() {
    reconciler.want("S1", 1);
    reconciler.want("S2", 1);
    reconciler.reconcile(clock.nanoTime());
    Replica s1 = launcher.running.get("S1");
    Replica s2 = launcher.running.get("S2");
    inFlight.put("S1", 2);
    inFlight.put("S2", 1);

    CompletableFuture<Void> first = reconciler.drain(reconciler.get("S1"), clock.nanoTime());
    CompletableFuture<Void> second = reconciler.drain(reconciler.get("S2"), clock.nanoTime());
    reconciler.finishDrains(clock.nanoTime());
    assertThat(launcher.stops).as("requests still in flight").isEmpty();
    assertThat(reconciler.stopping("s1")).isTrue();

    inFlight.put("S2", 0);
    reconciler.finishDrains(clock.nanoTime());
    assertThat(launcher.stops).containsExactly(s2);
    assertThat(second).isDone();

    clock.forward(Duration.ofMillis(9_999));
    assertThat(launcher.stops).as("within the drain timeout").containsExactly(s2);
    clock.forward(Duration.ofMillis(1));
    assertThat(launcher.stops).as("the drain timeout passed: a timer, not the tick, stopped it").containsExactly(s2, s1);
    assertThat(first).isDone();
    assertThat(reconciler.size()).isZero();
  }

  @Test
  void aSweepStopsWhatNoMemberOwns() {
    reconciler.want("S1", 1);
    reconciler.reconcile(clock.nanoTime());
    Replica stray = launcher.start(new io.ringlb.api.ReplicaSpec("S9", 9));

    reconciler.sweep();

    assertThat(launcher.stops).containsExactly(stray);
    assertThat(launcher.names()).containsExactly("S1");
  }

  @Test
  void aDeadReplicaIsEndedAndReplacedInOneCall() {
    reconciler.want("S1", 1);
    reconciler.reconcile(clock.nanoTime());
    Replica old = launcher.running.get("S1");

    reconciler.replace(reconciler.get("S1"), false, null, clock.nanoTime());

    assertThat(launcher.kills).as("no graceful stop for a dead or hung replica").containsExactly(old);
    assertThat(launcher.starts).containsExactly("S1", "S1");
    assertThat(reconciler.get("S1").replica).isNotEqualTo(old);
  }

  @Test
  void closingStopsEveryReplicaUnlessTheyAreKept() {
    reconciler.want("S1", 1);
    reconciler.want("S2", 1);
    reconciler.reconcile(clock.nanoTime());

    assertThat(reconciler.close(false)).isDone();
    assertThat(launcher.stops).as("kept for the next balancer to adopt").isEmpty();
    reconciler.want("S3", 1);
    reconciler.reconcile(clock.nanoTime());
    assertThat(launcher.starts).as("nothing starts once closed").containsExactly("S1", "S2");
  }
}
