package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Keeps the replicas a balancer wants running and in its ring, as one control loop.
 *
 * <p>Desired state is the members: names and ids, in the order they were added. Actual state is
 * what the launcher runs and what heartbeats say of it. Every event (an admin call, a clock
 * tick, a heartbeat's answer, a failed request, a launcher's result) is handled one at a time
 * on the {@link ControlLoop}. Callers only hand events in: an event loop reporting a failed
 * request never waits, and an admin call waits on its own answer, not on a lock.
 *
 * <p>This class dispatches the events; each concern is a part of its own, all confined to the
 * loop:
 * <ul>
 *   <li>{@link RingPublisher}: the one writer of the ring the data plane routes on;
 *   <li>{@link Reconciler}: the members, the one owner of their state, and the launcher calls
 *       that start, replace, drain and stop their replicas;
 *   <li>{@link HealthMachine}: turns heartbeats and failed requests into verdicts, which
 *       {@link HealthVerdicts} carries out;
 *   <li>{@link AdminCalls}: {@code /add} and {@code /rm}, one after another, with their
 *       deadlines and rollback, checked by the {@link RequestRules};
 *   <li>{@link OrchestratorFollower}: with a {@linkplain ReplicaLauncher#shared shared}
 *       launcher the desired state is the orchestrator's, listed at least twice each heartbeat
 *       interval and followed;
 *   <li>{@link PublishedView}: what {@code /rep} and readiness show, read from any thread.
 * </ul>
 * Time comes from the {@link EngineClock}.
 */
public final class Fleet implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());

  /** How often the loop wakes: sends the heartbeats due, finds replicas silent or never ready, finishes drains. */
  static final Duration TICK = Duration.ofMillis(100);
  /** Ticks between two sweeps for strays, each a launcher {@code list()}; a shared launcher's is listed more often. */
  private static final int SWEEP_TICKS = 10;
  /** How long closing waits for replicas to stop; beyond it they are left to the provider. */
  static final Duration STOP_BUDGET = Duration.ofSeconds(30);

  private final FleetSettings settings;
  private final ReplicaLauncher launcher;
  private final RingPublisher ring;
  private final HealthProbe probe;
  private final EngineClock clock;
  private final ControlLoop loop;
  private final HealthMachine health;
  private final Reconciler reconciler;
  private final AdminCalls adminCalls;
  private final OrchestratorFollower follower;
  private final HealthVerdicts verdicts;
  private final FleetParts parts;
  private final PublishedView views = new PublishedView();
  private final FleetListener listener;
  /** The launcher's replicas are the orchestrator's, shared with other balancers. */
  private final boolean shared;
  private final int sweepTicks;

  // --- confined to the loop ---
  private long ticks;
  private boolean closed;
  private Cancellable ticking = () -> {};

  /**
   * A fleet with its events on one virtual thread at a time and launcher calls each on a virtual thread.
   *
   * @param listener told what happens to the replicas, on the fleet's loop
   * @param clock the engine's clock: the fleet's tick, deadlines and backoff are its timers
   */
  public Fleet(FleetSettings settings, ReplicaLauncher launcher, Router router, HealthProbe probe, RandomGenerator random,
      FleetListener listener, EngineClock clock) {
    this(settings, launcher, router, probe, random, listener, clock,
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringlb-fleet").factory()),
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringlb-launcher-", 1).factory()));
  }

  /**
   * @param events runs the control loop's drains, one at a time
   * @param launches runs launcher calls, which may block
   */
  Fleet(FleetSettings settings, ReplicaLauncher launcher, Router router, HealthProbe probe, RandomGenerator random,
      FleetListener listener, EngineClock clock, Executor events, Executor launches) {
    this.settings = settings;
    this.listener = listener;
    this.launcher = launcher;
    this.probe = probe;
    this.clock = clock;
    this.loop = new ControlLoop(events);
    this.ring = new RingPublisher(router, loop);
    this.health = new HealthMachine(settings.heartbeat(), settings.startTimeout(), this::wanted, router.loads());
    this.reconciler = new Reconciler(launcher, launches, loop, clock, new Reconciler.Results() {
      @Override
      public void started(Member member, Replica replica) {
        health.watch(replica, clock.nanoTime());
        listener.started(replica.name());
      }

      @Override
      public void startFailed(Member member, String problem) {
        reconciler.backOff(member, problem, clock.nanoTime());
        adminCalls.startFailed(member);
        parts.publishView();
      }

      @Override
      public void listed(List<Replica> replicas) {
        follower.follow(replicas, clock.nanoTime());
      }
    }, name -> router.loads().of(name), settings.drainTimeout(), settings.heartbeat().interval());
    this.parts = new FleetParts(settings, reconciler, health, ring, views, listener);
    this.adminCalls = new AdminCalls(parts, loop, clock, random);
    this.follower = new OrchestratorFollower(parts);
    this.shared = launcher.shared();
    this.verdicts = new HealthVerdicts(parts, adminCalls, clock, shared, launcher.reachability());
    this.sweepTicks = shared ? sweepTicks(settings.heartbeat().interval()) : SWEEP_TICKS;
  }

  /**
   * Adopts the replicas the launcher already runs (those of a balancer that ran before), adds
   * members up to N, and starts the loop's clock. Returns at once; replicas join the ring as
   * they pass their heartbeats.
   */
  public void start() {
    List<Replica> found = new ArrayList<>(launcher.list());
    found.sort(Comparator.comparingInt(Replica::id)); // the order they were first added in, near enough
    loop.execute(() -> {
      long now = clock.nanoTime();
      for (Replica replica : found) {
        if (reconciler.size() < settings.maxReplicas() && reconciler.get(replica.name()) == null && reconciler.idFree(replica.id())) {
          reconciler.adopt(replica, settings.weightOf(replica.name()));
          health.watch(replica, now);
          LOG.log(Level.INFO, "Adopted replica {0} at {1}:{2,number,#}", replica.name(), replica.host(), replica.port());
        }
      }
      Set<String> taken = new HashSet<>();
      // a shared fleet is sized by its admin calls, through any balancer: N only starts one that has nothing yet
      while (reconciler.size() < settings.replicas() && (!shared || found.isEmpty())) {
        String name = reconciler.generatedName(settings.namePrefix(), taken);
        reconciler.want(name, settings.weightOf(name));
      }
      parts.publishView();
      reconciler.reconcile(now);
    });
    Duration tick = settings.heartbeat().interval().compareTo(TICK) < 0 ? settings.heartbeat().interval() : TICK;
    loop.execute(() -> {
      if (!closed) {
        ticking = clock.every(tick, () -> loop.execute(this::tick));
      }
    });
  }

  /** The replicas the fleet keeps, in the order they were added. */
  public FleetView view() {
    return views.view();
  }

  /** Whether any replica is in the ring, so requests can be served. */
  public boolean serving() {
    return ring.serving();
  }

  /**
   * Why replicas are not running as wanted: one line per member whose last start failed or
   * whose replica never passed a heartbeat, for readiness and operators. Empty when all is well.
   */
  public List<String> problems() {
    return views.problems();
  }

  /** The replicas kept, in or out of the ring, with their ids and weights; from any thread. */
  public List<KeptReplica> kept() {
    return views.kept();
  }

  /**
   * Adds {@code n} replicas, named by {@code names} and then by generated names. The answer
   * comes once every one of them has passed a heartbeat and is in the ring; admin calls are
   * carried out one after another, in the order they came.
   *
   * @return completes with the replicas then kept, or fails with a {@link FleetException}:
   *     {@code INVALID_REQUEST} when the request cannot be carried out as asked, {@code
   *     UNAVAILABLE} when the replicas did not come up within the start timeout; nothing is
   *     changed either way
   */
  public CompletableFuture<FleetView> add(int n, List<String> names) {
    return add(n, names, Map.of());
  }

  /**
   * As {@link #add(int, List)}, giving the named replicas weights other than {@code lb.weights}
   * gives them; a weight for a name not among {@code names}, or out of 1 to {@link
   * RequestRules#MAX_WEIGHT}, is refused, as is any weight when the strategy weighs none.
   */
  public CompletableFuture<FleetView> add(int n, List<String> names, Map<String, Integer> weights) {
    return adminCalls.add(n, names, weights);
  }

  /** A dry run of {@link #add(int, List, Map)}: what it would do if made now, refused as it would be; nothing changes. */
  public CompletableFuture<ChangePlan> planAdd(int n, List<String> names, Map<String, Integer> weights) {
    return adminCalls.planAdd(n, names, weights);
  }

  /**
   * Gives the replica {@code name} (in any case) the weight {@code weight}, as HAProxy's
   * {@code set server weight}: in the ring at once if it is in it, and whenever it joins again.
   *
   * @return completes with the replicas kept, or fails with a {@link FleetException}
   *     {@code INVALID_REQUEST} for a name not kept, a weight out of range, or a strategy that
   *     weighs none; nothing is changed then
   */
  public CompletableFuture<FleetView> reweigh(String name, int weight) {
    return adminCalls.reweigh(name, weight);
  }

  /** A dry run of {@link #reweigh}: what it would move if made now; nothing changes. */
  public CompletableFuture<ChangePlan> planReweigh(String name, int weight) {
    return adminCalls.planReweigh(name, weight);
  }

  /** A dry run of {@link #remove}: what it would do if made now; replicas it would pick at random are picked here at random too. */
  public CompletableFuture<ChangePlan> planRemove(int n, List<String> names) {
    return adminCalls.planRemove(n, names);
  }

  /**
   * Removes {@code n} replicas, the ones named by {@code names} (in any case) and then others
   * picked at random. The answer comes once they are out of the ring and stopped.
   *
   * @return completes with the replicas then kept, or fails with a {@link FleetException}
   *     {@code INVALID_REQUEST} when the request cannot be carried out as asked; nothing is
   *     changed then
   */
  public CompletableFuture<FleetView> remove(int n, List<String> names) {
    return adminCalls.remove(n, names);
  }

  /**
   * Passive health: a request could not reach {@code replica}. Counts as a missed heartbeat, so
   * a dead replica leaves the ring after {@code fall} failures, heartbeat or request, whichever
   * come first. Never blocks: the report is handled on the loop.
   *
   * @param outcome {@link Outcome#TIMED_OUT} or {@link Outcome#FAILED}
   */
  public void reportFailure(Replica replica, Outcome outcome) {
    loop.execute(() -> {
      apply(replica, health.requestFailed(replica, outcome, clock.nanoTime()), outcome == Outcome.TIMED_OUT ? "requests timed out" : "requests failed", true);
    });
  }

  /**
   * Stops watching and, unless configured to keep them, stops the replicas, waiting at most
   * {@link #STOP_BUDGET}. A start still out when the fleet closes stops what it started.
   */
  @Override
  public void close() {
    try {
      shutdown().get(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.WARNING, "Not every replica stopped within {0} s; the provider keeps the rest", STOP_BUDGET.toSeconds());
    }
    launcher.close();
  }

  /** The first half of {@link #close}: ends admin calls and watching, and completes once the replicas have stopped. */
  CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        stopped.complete(null);
        return;
      }
      closed = true;
      ticking.cancel();
      adminCalls.close();
      reconciler.close(settings.stopReplicasOnClose() && !shared).thenRun(() -> stopped.complete(null));
    });
    return stopped;
  }

  /** How many replicas the fleet keeps. */
  private int wanted() {
    return reconciler.size();
  }

  // --- the loop's events ----------------------------------------------------------------------

  private void tick() {
    if (closed) {
      return;
    }
    long now = clock.nanoTime();
    for (Replica silent : health.silent(now)) {
      reconciler.whetherStopped(silent, stopped -> apply(silent, health.stopped(silent, stopped), "its process is stopped", false));
    }
    for (HealthMachine.Probe sent : health.due(now)) {
      probe.check(sent.replica()).thenAccept(heartbeat -> loop.execute(() -> heard(sent, heartbeat)));
    }
    for (HealthMachine.Lapse lapse : health.expired(now)) {
      verdicts.neverReady(lapse, now);
    }
    reconciler.finishDrains(now);
    if (++ticks % sweepTicks == 0) {
      reconciler.sweep();
    }
  }

  private void heard(HealthMachine.Probe sent, Heartbeat heartbeat) {
    Replica replica = sent.replica();
    // a booting replica's probes fail until it is up, and a late answer about a replaced instance says nothing: neither counts
    if (heartbeat.outcome() != Outcome.PASSED && health.hasAnswered(replica)) {
      listener.heartbeatFailed(replica.name(), heartbeat.detail());
    }
    apply(replica, health.heard(sent, heartbeat, clock.nanoTime()), heartbeat.detail(), false);
  }

  /** Has a verdict carried out, unless the fleet has closed: a heartbeat or report that comes after changes nothing. */
  private void apply(Replica replica, HealthMachine.Verdict verdict, String why, boolean byRequests) {
    if (!closed) {
      verdicts.apply(replica, verdict, why, byRequests);
    }
  }

  /** Ticks between two lists of a shared launcher: at least two each heartbeat interval, so a change is seen within one. */
  private static int sweepTicks(Duration interval) {
    return (int) Math.max(1, interval.toNanos() / 2 / TICK.toNanos());
  }
}
