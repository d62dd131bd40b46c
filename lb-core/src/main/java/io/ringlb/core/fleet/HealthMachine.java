package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
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
 *   <li>A replica that has answered once and then stops answering is dead: it leaves the ring
 *       and is replaced.
 *   <li>One that answers that it is not ready (its readiness is DOWN) leaves the ring but lives:
 *       it joins again once it passes, and is replaced only if it stays out for the start
 *       timeout, as a replica that never became ready after starting is.
 *   <li>Slow is not dead. A heartbeat or request that timed out counts as a miss only if the
 *       replica began no answer to any request through the data plane since the last heartbeat
 *       went out: a replica under a burst answers late but answers, while a hung one (a stopped or
 *       paused process, whose kernel still accepts connections) answers nothing at all.
 *   <li>Once a replica in the ring misses, it is probed again at once rather than an interval
 *       later (HAProxy's {@code fastinter}), so a hung replica leaves the ring within about one
 *       interval and two timeouts. One that has requests in flight and began no answer since the
 *       last look is probed at once too: clients are waiting on it, so it leaves within about two
 *       timeouts of going silent.
 *   <li>Slowness is weak evidence when everyone is slow (a replacement starting on busy cores): a
 *       replica that only times out leaves the ring only while at least half the replicas stay,
 *       as Envoy's ejection cap guards against a cascade.
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
    boolean probing;
    /** The data plane's count of its answers when the last heartbeat went out. */
    long answersAtProbe;
    /** The data plane's count of its answers at the last {@link #due} call. */
    long answersAtLook;
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
    watched.put(replica.name(), new Watched(replica, now));
  }

  void forget(String name) {
    watched.remove(name);
  }

  /**
   * The replicas to send a heartbeat now: those in the ring once an interval, those waiting to
   * join or that have just missed one at every call, as HAProxy's {@code fastinter}, so a started
   * replica joins within a tick of being ready and a hung one leaves soon after it stops
   * answering. None gets a second heartbeat while one is out.
   */
  List<Replica> due(long now) {
    List<Replica> due = new ArrayList<>();
    for (Watched w : watched.values()) {
      String name = w.replica.name();
      long answered = loads.answers(name);
      boolean stalled = w.up && answered == w.answersAtLook && loads.of(name) > 0;
      w.answersAtLook = answered;
      if (w.probing || (w.up && w.misses == 0 && !stalled && now - w.lastProbeNanos < settings.interval().toNanos())) {
        continue;
      }
      w.probing = true;
      w.lastProbeNanos = now;
      w.answersAtProbe = answered;
      due.add(w.replica);
    }
    return due;
  }

  /** A heartbeat sent by {@link #due} came back. */
  Verdict heard(Replica replica, Heartbeat heartbeat, long now) {
    Watched w = current(replica);
    if (w == null) {
      return Verdict.NONE;
    }
    w.probing = false;
    w.lastDetail = heartbeat.detail();
    return switch (heartbeat.outcome()) {
      case PASSED -> passed(w);
      case UNREADY -> unready(w, now);
      case TIMED_OUT, FAILED -> missed(w, heartbeat.outcome(), heartbeat.detail());
    };
  }

  /** Passive health: a request could not reach the replica; counts as a missed heartbeat. */
  Verdict requestFailed(Replica replica, Outcome outcome) {
    Watched w = current(replica);
    return w == null ? Verdict.NONE : missed(w, outcome, outcome == Outcome.TIMED_OUT ? "requests timed out" : "requests failed");
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

  private Verdict missed(Watched w, Outcome outcome, String why) {
    if (outcome == Outcome.TIMED_OUT && w.answered && loads.answers(w.replica.name()) != w.answersAtProbe) {
      // late, not silent: it has answered requests since the last heartbeat went out
      if (w.misses > 0 || w.up) {
        LOG.log(System.Logger.Level.DEBUG, "Replica {0} is slow ({1}) but answers requests: it stays", w.replica.name(), why);
      }
      w.misses = 0;
      w.answersAtProbe = loads.answers(w.replica.name());
      return Verdict.NONE;
    }
    w.passes = 0;
    w.misses++;
    if (w.misses < settings.fall() || !w.answered) {
      // a replica still starting refuses connections until it listens: only the start timeout ends its wait
      return Verdict.NONE;
    }
    if (w.up && outcome == Outcome.TIMED_OUT && !ejectionAllowed()) {
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
