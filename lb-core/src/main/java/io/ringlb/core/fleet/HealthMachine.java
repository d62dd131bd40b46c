package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.Loads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What heartbeats and failed requests say of each running replica, as HAProxy's {@code rise}
 * and {@code fall}: a replica joins the ring after {@code rise} passes in a row and leaves it
 * after {@code fall} misses in a row. Confined to the fleet's control loop; time is handed in.
 *
 * <ul>
 *   <li>A replica that has answered once and then refuses connections is dead: it leaves the
 *       ring and is replaced.
 *   <li>One that answers that it is not ready (its readiness is DOWN) leaves the ring but lives:
 *       it joins again once it passes, and is replaced only if it stays out for the start
 *       timeout, as a replica that never became ready after starting is.
 *   <li>Slow is not dead; hung is. A replica under a burst answers late but answers; a hung one
 *       (a stopped or paused process, whose kernel still accepts connections) answers nothing
 *       at all. By time alone the two cannot be told apart: a cold replica under a burst was
 *       seen silent for over half a second at a time. So a heartbeat counts as missed only once
 *       unanswered for the {@linkplain HeartbeatSettings#idleTimeout idle timeout}, and only if
 *       the replica answered nothing else meanwhile either; one that answers late is a pass.
 *   <li>Where clients wait: a replica with requests in flight that began no answer since the
 *       last look is probed at once; if it answers neither that heartbeat nor any request within
 *       the {@linkplain HeartbeatSettings#timeout timeout}, while other replicas answer theirs,
 *       its provider is asked whether its process is stopped ({@link #silent}). A stopped
 *       replica is dead at once: it leaves the ring about half a second after it stopped.
 *   <li>Once a replica in the ring misses, it is probed again at once rather than an interval
 *       later (HAProxy's {@code fastinter}).
 *   <li>Slowness is weak evidence when the machine itself is saturated: a replica that only times
 *       out leaves the ring only while at least half the replicas stay, as Envoy's ejection cap
 *       guards against a cascade. One whose process is stopped is no cascade: it leaves anyway.
 * </ul>
 */
final class HealthMachine {

  private static final System.Logger LOG = System.getLogger(HealthMachine.class.getName());

  /** What one piece of evidence changed. */
  enum Verdict {
    NONE,
    /** Into the ring. */
    JOINED,
    /** Out of the ring, still alive and watched. */
    LEFT,
    /** Out of the ring and no longer watched: to be replaced. */
    DEAD
  }

  /** A heartbeat sent: to which instance, and which of its heartbeats it is. */
  record Probe(Replica replica, long sequence) {}


  private static final class Watched {
    final Replica replica;
    boolean up;
    int passes;
    int misses;
    /** Any answer at all has come from this instance: silence from now on means it died. */
    boolean answered;
    /** When it started, or last left the ring alive: the start timeout counts from here. */
    long sinceNanos;
    long lastProbeNanos;
    /** The heartbeat out now, if one is: its number. */
    long probeOut;
    /** Whether the provider was asked if the replica is stopped during the heartbeat out now. */
    boolean asked;
    boolean probing;
    long probes;
    /** The data plane's count of its answers when the last heartbeat went out. */
    long answersAtProbe;
    /** The data plane's count of every other replica's answers then. */
    long othersAtProbe;
    /** The data plane's count of its answers at the last {@link #due} call. */
    long answersAtLook;
    /** The last {@link #due} call that found that count grown: it began an answer shortly before. */
    long answeredAtNanos;
    String lastDetail = "no heartbeat answered yet";

    Watched(Replica replica, long now) {
      this.replica = replica;
      this.sinceNanos = now;
    }
  }

  private final HeartbeatSettings settings;
  private final long startTimeoutNanos;
  private final IntSupplier wanted;
  private final Loads loads;
  private final Map<String, Watched> watched = new HashMap<>();

  /**
   * @param wanted how many replicas the fleet keeps: the ejection cap is half of them
   * @param loads what the data plane sees of each replica: its requests in flight, and the answers it has begun, which move while it lives
   */
  HealthMachine(HeartbeatSettings settings, Duration startTimeout, IntSupplier wanted, Loads loads) {
    this.settings = settings;
    this.startTimeoutNanos = startTimeout.toNanos();
    this.wanted = wanted;
    this.loads = loads;
  }

  /** A new instance, started or adopted: out of the ring until it passes {@code rise} heartbeats. */
  void watch(Replica replica, long now) {
    Watched w = new Watched(replica, now);
    w.answeredAtNanos = now - settings.idleTimeout().toNanos() - 1; // none within the idle timeout yet
    watched.put(replica.name(), w);
  }

  void forget(String name) {
    watched.remove(name);
  }

  /**
   * The heartbeats to send now: to those in the ring once an interval, to those waiting to join
   * or that have just missed one at every call, as HAProxy's {@code fastinter}, and to those
   * that requests wait on and that began no answer since the last call. So a started replica
   * joins within a tick of being ready, and a hung one is found soon after it stops answering.
   * None gets a second heartbeat while one is out.
   */
  List<Probe> due(long now) {
    List<Probe> due = new ArrayList<>();
    for (Watched w : watched.values()) {
      String name = w.replica.name();
      long answers = loads.answers(name);
      boolean stalled = w.up && answers == w.answersAtLook && loads.of(name) > 0;
      if (answers != w.answersAtLook) {
        w.answeredAtNanos = now;
      }
      w.answersAtLook = answers;
      if (w.probing || (w.up && w.misses == 0 && !stalled && now - w.lastProbeNanos < settings.interval().toNanos())) {
        continue;
      }
      w.probing = true;
      w.probeOut = ++w.probes;
      w.asked = false;
      w.lastProbeNanos = now;
      w.answersAtProbe = answers;
      w.othersAtProbe = loads.answers() - answers;
      due.add(new Probe(w.replica, w.probeOut));
    }
    return due;
  }

  /**
   * The replicas in the ring to ask their provider about now: their heartbeat has been out for
   * the timeout while requests wait on them and they began no answer to any, while other
   * replicas did. When no replica answered, the machine or the balancer itself stalled, which
   * says nothing of any one replica. Each is asked once a heartbeat; {@link #stopped} takes the
   * answer.
   */
  List<Replica> silent(long now) {
    List<Replica> suspects = new ArrayList<>();
    long all = loads.answers();
    for (Watched w : watched.values()) {
      String name = w.replica.name();
      long answers = loads.answers(name);
      if (w.probing && !w.asked && w.up && now - w.lastProbeNanos >= settings.timeout().toNanos() && loads.of(name) > 0
          && answers == w.answersAtProbe && all - answers > w.othersAtProbe) {
        w.asked = true;
        suspects.add(w.replica);
      }
    }
    return suspects;
  }

  /**
   * What the provider said of a replica {@link #silent} named: one whose process is stopped is
   * dead at once, whatever its heartbeats say, as it will answer nothing however long one waits.
   * One that is not, or that the provider cannot tell of, is judged by its heartbeat.
   */
  Verdict stopped(Replica replica, boolean stopped) {
    Watched w = current(replica);
    if (w == null || !stopped) {
      return Verdict.NONE;
    }
    w.lastDetail = "its process is stopped, and it answered nothing for " + settings.timeout().toMillis() + " ms while requests waited on it";
    watched.remove(replica.name());
    return Verdict.DEAD;
  }

  /** A heartbeat sent by {@link #due} came back. */
  Verdict heard(Probe probe, Heartbeat heartbeat, long now) {
    Watched w = current(probe.replica());
    if (w == null) {
      return Verdict.NONE;
    }
    if (probe.sequence() != w.probeOut) {
      return Verdict.NONE; // an earlier heartbeat's, come after a later one went out
    }
    w.probing = false;
    w.probeOut = 0;
    w.lastDetail = heartbeat.detail();
    return switch (heartbeat.outcome()) {
      case PASSED -> passed(w);
      case UNREADY -> unready(w, now);
      case TIMED_OUT -> timedOut(w, heartbeat.detail());
      case FAILED -> missed(w, false, heartbeat.detail());
    };
  }

  /**
   * Passive health: a request could not reach the replica; counts as a missed heartbeat. A
   * timeout counts only if the replica began no answer to any request within the heartbeat's
   * idle timeout: a replica under a burst times out many requests at once (connections waiting
   * in its full accept queue, answers behind thousands of others) while it answers the rest, and
   * each of them is the same news, not a miss of its own.
   */
  Verdict requestFailed(Replica replica, Outcome outcome, long now) {
    Watched w = current(replica);
    if (w == null) {
      return Verdict.NONE;
    }
    if (outcome != Outcome.TIMED_OUT) {
      return missed(w, false, "requests failed");
    }
    boolean answering = loads.answers(replica.name()) != w.answersAtLook || now - w.answeredAtNanos <= settings.idleTimeout().toNanos();
    if (w.answered && answering) {
      // nothing changes: a heartbeat out now is still judged by the answers since it went out
      LOG.log(System.Logger.Level.DEBUG, "Replica {0} is slow (requests timed out) but answers requests: it stays", replica.name());
      return Verdict.NONE;
    }
    return missed(w, true, "requests timed out");
  }

  /** A replica out of the ring for a whole start timeout, and what its last heartbeat tried and got. */
  record Lapse(Replica replica, String lastDetail) {}

  /**
   * Replicas that have been out of the ring a whole start timeout, since they started or since
   * they turned unready: no longer watched, to be replaced.
   */
  List<Lapse> expired(long now) {
    List<Lapse> expired = new ArrayList<>();
    for (Watched w : watched.values()) {
      if (!w.up && now - w.sinceNanos > startTimeoutNanos) {
        expired.add(new Lapse(w.replica, w.lastDetail));
      }
    }
    expired.forEach(lapse -> watched.remove(lapse.replica().name()));
    return expired;
  }

  /** Whether {@code replica} is the instance watched and has passed a heartbeat: one still booting has not. */
  boolean hasAnswered(Replica replica) {
    Watched w = current(replica);
    return w != null && w.answered;
  }

  boolean up(String name) {
    Watched w = watched.get(name);
    return w != null && w.up;
  }

  private Watched current(Replica replica) {
    Watched w = watched.get(replica.name());
    // a late answer about an instance already replaced says nothing of the new one
    return w != null && w.replica.equals(replica) ? w : null;
  }

  private Verdict passed(Watched w) {
    w.answered = true;
    w.misses = 0;
    w.passes++;
    if (!w.up && w.passes >= settings.rise()) {
      w.up = true;
      return Verdict.JOINED;
    }
    return Verdict.NONE;
  }

  private Verdict unready(Watched w, long now) {
    w.answered = true;
    w.passes = 0;
    w.misses++;
    if (w.up && w.misses >= settings.fall()) {
      w.up = false;
      w.sinceNanos = now;
      return Verdict.LEFT;
    }
    return Verdict.NONE;
  }

  /** No answer within the idle timeout, or a request's: a miss only if the replica has answered nothing else since the last heartbeat went out. */
  private Verdict timedOut(Watched w, String why) {
    if (w.answered && loads.answers(w.replica.name()) != w.answersAtProbe) {
      LOG.log(System.Logger.Level.DEBUG, "Replica {0} is slow ({1}) but answers requests: it stays", w.replica.name(), why);
      w.misses = 0;
      w.answersAtProbe = loads.answers(w.replica.name());
      return Verdict.NONE;
    }
    return missed(w, true, why);
  }

  /** @param silence whether it said nothing, rather than refused or failed: weak evidence when the machine is saturated */
  private Verdict missed(Watched w, boolean silence, String why) {
    w.passes = 0;
    w.misses++;
    if (w.misses < settings.fall() || !w.answered) {
      // a replica still starting refuses connections until it listens: only the start timeout ends its wait
      return Verdict.NONE;
    }
    if (w.up && silence && !ejectionAllowed()) {
      if (w.misses == settings.fall()) {
        LOG.log(System.Logger.Level.WARNING, "Replica {0} is slow ({1}) but stays in the ring: fewer than half the replicas would be left",
            w.replica.name(), why);
      }
      return Verdict.NONE;
    }
    watched.remove(w.replica.name());
    return Verdict.DEAD;
  }

  /** Whether one more replica may leave the ring for slowness: at least half the replicas wanted stay. */
  private boolean ejectionAllowed() {
    long up = watched.values().stream().filter(w -> w.up).count();
    return 2 * (up - 1) >= wanted.getAsInt();
  }
}
