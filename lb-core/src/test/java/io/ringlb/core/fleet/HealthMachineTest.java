package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.Replica;
import io.ringlb.core.fleet.HealthMachine.Probe;
import io.ringlb.core.fleet.HealthMachine.Verdict;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.Loads;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health machine alone: evidence in, verdicts out, time handed in as numbers. */
class HealthMachineTest {

  private static final long MS = 1_000_000L;
  /** Every 500 ms; a heartbeat missed after 1 s unanswered, the provider asked after 250 ms; two misses fail, one pass joins. */
  private static final HeartbeatSettings BEATS =
      new HeartbeatSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofMillis(1_000), 2, 1, "/heartbeat");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Loads loads = new Loads();
  private final HealthMachine health = new HealthMachine(BEATS, START_TIMEOUT, () -> 3, loads);
  private final Replica s1 = new Replica("S1", 1, "127.0.0.1", 20001);
  private final Replica s2 = new Replica("S2", 2, "127.0.0.1", 20002);
  private final Replica s3 = new Replica("S3", 3, "127.0.0.1", 20003);

  private static Heartbeat beat(Outcome outcome) {
    return new Heartbeat(outcome, outcome.name().toLowerCase());
  }

  /** Sends the heartbeats due at {@code now} and answers {@code replica}'s with {@code outcome}. */
  private Verdict answer(Replica replica, Outcome outcome, long now) {
    Probe sent = health.due(now).stream().filter(probe -> probe.replica().equals(replica)).findFirst().orElseThrow();
    return health.heard(sent, beat(outcome), now);
  }

  private void up(Replica replica, long now) {
    health.watch(replica, now);
    assertThat(answer(replica, Outcome.PASSED, now)).isEqualTo(Verdict.JOINED);
  }

  @Test
  void aStartedReplicaJoinsOnItsFirstPassAndItsRefusalsWhileBootingCountForNothing() {
    health.watch(s1, 0);

    assertThat(answer(s1, Outcome.FAILED, 0)).as("still starting: it does not listen yet").isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.FAILED, 100 * MS)).isEqualTo(Verdict.NONE);
    assertThat(health.hasAnswered(s1)).isFalse();
    assertThat(answer(s1, Outcome.PASSED, 200 * MS)).isEqualTo(Verdict.JOINED);
    assertThat(health.up("S1")).isTrue();
  }

  @Test
  void oneThatNeverPassesLapsesAfterTheStartTimeout() {
    health.watch(s1, 0);
    answer(s1, Outcome.FAILED, 0);

    assertThat(health.expired(START_TIMEOUT.toNanos())).isEmpty();
    List<HealthMachine.Lapse> lapsed = health.expired(START_TIMEOUT.toNanos() + 1);
    assertThat(lapsed).extracting(HealthMachine.Lapse::replica).containsExactly(s1);
    assertThat(lapsed.get(0).lastDetail()).isEqualTo("failed");
    assertThat(health.due(START_TIMEOUT.toNanos() + 2)).as("no longer watched").isEmpty();
  }

  @Test
  void aReplicaThatRefusesFallTimesInARowIsDead() {
    up(s1, 0);

    assertThat(answer(s1, Outcome.FAILED, 500 * MS)).isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.FAILED, 600 * MS)).as("probed again at once, not an interval later").isEqualTo(Verdict.DEAD);
    assertThat(health.up("S1")).isFalse();
  }

  @Test
  void aPassBetweenMissesStartsTheCountAgain() {
    up(s1, 0);

    answer(s1, Outcome.FAILED, 500 * MS);
    answer(s1, Outcome.PASSED, 600 * MS);
    assertThat(answer(s1, Outcome.FAILED, 1_100 * MS)).isEqualTo(Verdict.NONE);
  }

  @Test
  void anUnreadyReplicaLeavesTheRingAliveAndJoinsAgainOrLapses() {
    up(s1, 0);

    answer(s1, Outcome.UNREADY, 500 * MS);
    assertThat(answer(s1, Outcome.UNREADY, 600 * MS)).isEqualTo(Verdict.LEFT);
    assertThat(answer(s1, Outcome.PASSED, 700 * MS)).isEqualTo(Verdict.JOINED);

    answer(s1, Outcome.UNREADY, 1_200 * MS);
    answer(s1, Outcome.UNREADY, 1_300 * MS);
    assertThat(health.expired(1_300 * MS + START_TIMEOUT.toNanos() + 1)).as("out of the ring a whole start timeout").hasSize(1);
  }

  @Test
  void aLateAnswerToAnEarlierHeartbeatOrAboutAReplacedInstanceSaysNothing() {
    up(s1, 0);
    Probe first = health.due(500 * MS).get(0);
    health.heard(first, beat(Outcome.TIMED_OUT), 1_500 * MS);
    Probe second = health.due(1_500 * MS).get(0);

    assertThat(health.heard(first, beat(Outcome.FAILED), 1_600 * MS)).as("the first one's, come after the second went out").isEqualTo(Verdict.NONE);

    Replica again = new Replica("S1", 1, "127.0.0.1", 20011);
    health.watch(again, 1_700 * MS);
    assertThat(health.heard(second, beat(Outcome.FAILED), 1_800 * MS)).as("about the instance replaced").isEqualTo(Verdict.NONE);
    assertThat(health.requestFailed(s1, Outcome.FAILED, 1_900 * MS)).isEqualTo(Verdict.NONE);
  }

  @Test
  void aSlowReplicaThatAnswersRequestsIsNotMissedWhenItsHeartbeatTimesOut() {
    up(s1, 0);
    up(s2, 0);
    up(s3, 0);
    Probe probe = health.due(500 * MS).stream().filter(p -> p.replica().equals(s1)).findFirst().orElseThrow();
    loads.answered(s1); // a request's answer began meanwhile

    assertThat(health.heard(probe, beat(Outcome.TIMED_OUT), 1_500 * MS)).isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.TIMED_OUT, 2_500 * MS)).as("the count started again").isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.TIMED_OUT, 3_500 * MS)).as("silent twice: dead").isEqualTo(Verdict.DEAD);
  }

  @Test
  void aBurstOfRequestTimeoutsIsNoMissWhileTheReplicaAnswersOthersButSilenceAfterIs() {
    up(s1, 0);
    up(s2, 0);
    up(s3, 0);
    health.due(100 * MS);
    loads.answered(s1); // its answers begin, as its full accept queue times out the connections waiting in it
    health.due(200 * MS); // the fleet's tick looks

    for (int timedOut = 0; timedOut < 10; timedOut++) {
      assertThat(health.requestFailed(s1, Outcome.TIMED_OUT, 1_100 * MS)).as("timed out together, while it answers").isEqualTo(Verdict.NONE);
    }
    assertThat(health.up("S1")).isTrue();

    health.due(1_100 * MS); // and then it answers nothing more
    assertThat(health.requestFailed(s1, Outcome.TIMED_OUT, 1_200 * MS)).as("an answer begun within the idle timeout").isEqualTo(Verdict.NONE);
    assertThat(health.requestFailed(s1, Outcome.TIMED_OUT, 1_300 * MS)).as("none for over the idle timeout").isEqualTo(Verdict.NONE);
    assertThat(health.requestFailed(s1, Outcome.TIMED_OUT, 1_300 * MS)).as("silent twice: dead").isEqualTo(Verdict.DEAD);
  }

  @Test
  void requestTimeoutsForgivenLeaveTheHeartbeatOutJudgedByTheAnswersSinceItWent() {
    up(s1, 0);
    up(s2, 0);
    up(s3, 0);
    Probe probe = health.due(500 * MS).stream().filter(p -> p.replica().equals(s1)).findFirst().orElseThrow();
    loads.answered(s1); // while the heartbeat is out
    health.due(600 * MS);
    health.requestFailed(s1, Outcome.TIMED_OUT, 700 * MS); // forgiven: it answers

    assertThat(health.heard(probe, beat(Outcome.TIMED_OUT), 1_500 * MS)).as("it answered since the heartbeat went out").isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.TIMED_OUT, 2_500 * MS)).as("the count started again").isEqualTo(Verdict.NONE);
  }

  @Test
  void silenceEjectsNoReplicaWhenFewerThanHalfWouldStayButARefusalDoes() {
    up(s1, 0); // two of the three wanted are up
    up(s2, 0);

    answer(s1, Outcome.TIMED_OUT, 1_000 * MS);
    assertThat(answer(s1, Outcome.TIMED_OUT, 2_000 * MS)).as("one of three wanted would be left: it stays").isEqualTo(Verdict.NONE);
    assertThat(answer(s1, Outcome.FAILED, 3_000 * MS)).as("refusing is no slowness").isEqualTo(Verdict.DEAD);
  }

  @Test
  void aReplicaRequestsWaitOnThatAnswersNothingIsAskedOfItsProviderOnceAndDeadIfStopped() {
    up(s1, 0);
    up(s2, 0);
    Replica other = s2;
    health.due(0);
    loads.begin(s1); // a request waits on S1

    List<Probe> probes = health.due(100 * MS);
    assertThat(probes).extracting(Probe::replica).as("a replica requests wait on and that began no answer is probed at once").containsExactly(s1);
    loads.answered(other); // the others answer meanwhile: the machine is not stalled

    assertThat(health.silent(200 * MS)).as("before the timeout").isEmpty();
    assertThat(health.silent(350 * MS)).containsExactly(s1);
    assertThat(health.silent(400 * MS)).as("asked once a heartbeat").isEmpty();
    assertThat(health.stopped(s1, false)).as("running: judged by its heartbeat").isEqualTo(Verdict.NONE);
    assertThat(health.stopped(s1, true)).isEqualTo(Verdict.DEAD);
  }

  @Test
  void silenceWhenNoReplicaAnswersSaysNothingOfAnyOne() {
    up(s1, 0);
    up(s2, 0);
    health.due(0);
    loads.begin(s1);
    assertThat(health.due(100 * MS)).hasSize(1);

    assertThat(health.silent(400 * MS)).as("the balancer or the machine stalled").isEmpty();
  }

  @Test
  void noReplicaGetsASecondHeartbeatWhileOneIsOut() {
    up(s1, 0);

    assertThat(health.due(500 * MS)).hasSize(1);
    assertThat(health.due(1_000 * MS)).isEmpty();
  }
}
