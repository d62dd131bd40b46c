package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.fleet.HealthMachine.Verdict;
import io.ringlb.core.routing.Router;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
 * on the {@link ControlLoop}, which alone changes that state and alone publishes rings to the
 * {@link Router}. Callers only hand events in: an event loop reporting a failed request never
 * waits, and an admin call waits on its own answer, not on a lock.
 *
 * <p>With a {@linkplain ReplicaLauncher#shared shared} launcher the desired state is the
 * orchestrator's, and every balancer of the fleet watches it: the loop lists it at least twice
 * each heartbeat interval and follows it, adopting replicas another balancer added and
 * forgetting those another removed. A replica that dies leaves the ring and is not replaced:
 * the orchestrator restarts it, and it joins again once it answers, wherever it then listens.
 *
 * <p>The parts: {@link Names} says which names are valid and equal, the {@link HealthMachine}
 * turns heartbeats into joins and departures, the {@link Reconciler} starts, replaces and stops
 * replicas through the launcher. Time comes from the {@link FleetClock}.
 */
public final class Fleet implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());

  /** How often the loop wakes: probes replicas waiting to join, checks deadlines, starts what is due. */
  static final Duration TICK = Duration.ofMillis(100);
  /** Ticks between two sweeps for strays, each a launcher {@code list()}; a shared launcher's is listed more often. */
  private static final int SWEEP_TICKS = 10;
  /** How long closing waits for replicas to stop; beyond it they are left to the provider. */
  static final Duration STOP_BUDGET = Duration.ofSeconds(30);

  private final FleetSettings settings;
  private final ReplicaLauncher launcher;
  private final Router router;
  private final HealthProbe probe;
  private final RandomGenerator random;
  private final FleetClock clock;
  private final ControlLoop loop;
  private final HealthMachine health;
  private final Reconciler reconciler;
  private final String reachability;
  private final FleetListener listener;
  /** The launcher's replicas are the orchestrator's, shared with other balancers. */
  private final boolean shared;
  private final int sweepTicks;

  // --- confined to the loop ---
  private final Queue<AdminCall> adminCalls = new ArrayDeque<>();
  private AdminCall current;
  private long ticks;
  private boolean closed;
  /** What /rep shows: replaced on every change, read from any thread. */
  private volatile FleetView view = new FleetView(List.of());
  private volatile List<String> problems = List.of();

  /**
   * A fleet on real time, with its events on one virtual thread at a time and launcher calls each on a virtual thread.
   *
   * @param listener told what happens to the replicas, on the fleet's loop
   */
  public Fleet(FleetSettings settings, ReplicaLauncher launcher, Router router, HealthProbe probe, RandomGenerator random,
      FleetListener listener) {
    this(settings, launcher, router, probe, random, listener, FleetClock.system(),
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringlb-fleet").factory()),
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringlb-launcher-", 1).factory()));
  }

  /**
   * @param events runs the control loop's drains, one at a time
   * @param launches runs launcher calls, which may block
   */
  Fleet(FleetSettings settings, ReplicaLauncher launcher, Router router, HealthProbe probe, RandomGenerator random,
      FleetListener listener, FleetClock clock, Executor events, Executor launches) {
    this.settings = settings;
    this.listener = listener;
    this.launcher = launcher;
    this.router = router;
    this.probe = probe;
    this.random = random;
    this.clock = clock;
    this.loop = new ControlLoop(events);
    this.health = new HealthMachine(settings.heartbeat(), settings.startTimeout(), this::wanted, router.loads());
    this.reconciler = new Reconciler(launcher, launches, loop, new Reconciler.Results() {
      @Override
      public void started(Member member, Replica replica) {
        health.watch(replica, clock.nanoTime());
        listener.started(replica.name());
      }

      @Override
      public void startFailed(Member member, String problem) {
        reconciler.backOff(member, problem, clock.nanoTime());
        failAdd(member);
        publishView();
      }

      @Override
      public void listed(List<Replica> replicas) {
        follow(replicas);
      }
    }, name -> router.loads().of(name), settings.drainTimeout(), settings.heartbeat().interval());
    this.reachability = launcher.reachability();
    this.shared = launcher.shared();
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
      publishView();
      reconciler.reconcile(now);
    });
    Duration tick = settings.heartbeat().interval().compareTo(TICK) < 0 ? settings.heartbeat().interval() : TICK;
    clock.every(tick, () -> loop.execute(this::tick));
  }

  /** The replicas the fleet keeps, in the order they were added. */
  public FleetView view() {
    return view;
  }

  /** Whether any replica is in the ring, so requests can be served. */
  public boolean serving() {
    return !router.ring().replicas().isEmpty();
  }

  /**
   * Why replicas are not running as wanted: one line per member whose last start failed or
   * whose replica never passed a heartbeat, for readiness and operators. Empty when all is well.
   */
  public List<String> problems() {
    return problems;
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
   * FleetSettings#MAX_WEIGHT}, is refused, as is any weight when the strategy weighs none.
   */
  public CompletableFuture<FleetView> add(int n, List<String> names, Map<String, Integer> weights) {
    return submit(new AdminCall(true, n, List.copyOf(names), weights));
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
    return submit(new AdminCall(false, n, List.copyOf(names)));
  }

  /**
   * Passive health: a request could not reach {@code replica}. Counts as a missed heartbeat, so
   * a dead replica leaves the ring after {@code fall} failures, heartbeat or request, whichever
   * come first. Never blocks: the report is handled on the loop.
   *
   * @param outcome {@link Outcome#TIMED_OUT} or {@link Outcome#FAILED}
   */
  public void reportFailure(Replica replica, Outcome outcome) {
    loop.execute(() -> apply(replica, health.requestFailed(replica, outcome), outcome == Outcome.TIMED_OUT ? "requests timed out" : "requests failed",
        true));
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
      clock.close();
      FleetException shuttingDown = FleetException.unavailable("The balancer is shutting down; nothing was changed");
      if (current != null) {
        current.rollBack();
        current.answer.completeExceptionally(shuttingDown);
        current = null;
      }
      adminCalls.forEach(call -> call.answer.completeExceptionally(shuttingDown));
      adminCalls.clear();
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
    if (current != null && current.add && now - current.deadlineNanos > 0) {
      timedOut(current);
    }
    for (HealthMachine.Lapse lapse : health.expired(now)) {
      neverReady(lapse, now);
    }
    reconciler.reconcile(now);
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

  /**
   * Carries out what the health machine decided: the ring changes here, and only here.
   *
   * @param byRequests whether failed requests brought the verdict, rather than a heartbeat
   */
  private void apply(Replica replica, Verdict verdict, String why, boolean byRequests) {
    if (closed) {
      return;
    }
    Member member = reconciler.get(replica.name());
    switch (verdict) {
      case NONE -> {}
      case JOINED -> {
        int weight = member != null ? member.weight : settings.weightOf(replica.name());
        router.update(ring -> ring.without(replica.name()).with(replica, weight));
        LOG.log(Level.INFO, "Replica {0} is in the ring", replica.name());
        listener.joined(replica.name());
        if (member != null) {
          member.failedStarts = 0;
          member.problem = null;
        }
        publishView();
        joined();
      }
      case LEFT -> {
        router.update(ring -> ring.without(replica.name()));
        LOG.log(Level.WARNING, "Replica {0} left the ring: it says it is not ready ({1})", replica.name(), why);
        listener.left(replica.name(), why);
      }
      case DEAD -> {
        router.update(ring -> ring.without(replica.name()));
        if (member == null || !replica.equals(member.replica)) {
          return;
        }
        listener.died(replica.name(), why, byRequests);
        if (shared) {
          // the orchestrator restarts it; it joins again once it answers, here or where the list says it moved
          LOG.log(Level.WARNING, "Replica {0} is down ({1}); waiting for the orchestrator to restart it", replica.name(), why);
          health.watch(replica, clock.nanoTime());
        } else {
          LOG.log(Level.WARNING, "Replica {0} is down ({1}); replacing it", replica.name(), why);
          reconciler.replace(member, false, null, clock.nanoTime());
        }
      }
    }
  }

  /** A replica out of the ring a whole start timeout: logged with what was tried, and started again after a backoff. */
  private void neverReady(HealthMachine.Lapse lapse, long now) {
    Replica replica = lapse.replica();
    router.update(ring -> ring.without(replica.name()));
    Member member = reconciler.get(replica.name());
    if (member == null || !replica.equals(member.replica)) {
      return;
    }
    String problem = "did not pass a heartbeat within " + settings.startTimeout().toSeconds() + " s (" + lapse.lastDetail() + ")";
    LOG.log(Level.ERROR, "Replica {0} at {1}:{2,number,#} {3}. {4}", replica.name(), replica.host(), replica.port(), problem, reachability);
    if (shared) {
      // not this balancer's to replace: it is watched on, and readiness says what is wrong
      member.failedStarts++;
      member.problem = problem;
      health.watch(replica, now);
    } else {
      listener.died(replica.name(), problem, false);
      reconciler.replace(member, true, problem, now);
    }
    failAdd(member);
    publishView();
  }

  /**
   * A shared launcher's list, the fleet as the orchestrator has it: replicas another balancer
   * added are adopted, one the orchestrator restarted elsewhere is watched where it is now, and
   * one another balancer removed is forgotten. A member still starting, or one whose start
   * failed, is this balancer's own to finish, and is left alone.
   */
  private void follow(List<Replica> listed) {
    long now = clock.nanoTime();
    Set<String> seen = new HashSet<>();
    for (Replica replica : listed) {
      seen.add(Names.key(replica.name()));
      Member member = reconciler.get(replica.name());
      if (member == null) {
        if (reconciler.size() < settings.maxReplicas() && reconciler.idFree(replica.id()) && !reconciler.stopping(replica.name())) {
          reconciler.adopt(replica, settings.weightOf(replica.name()));
          health.watch(replica, now);
          LOG.log(Level.INFO, "Replica {0} was added through another balancer; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
              replica.port());
          listener.started(replica.name());
        }
      } else if (!member.launching && member.replica != null && !replica.equals(member.replica)) {
        if (health.up(member.name)) {
          listener.died(member.name, "the orchestrator restarted it", false);
        }
        router.update(ring -> ring.without(replica.name()));
        member.replica = replica;
        member.id = replica.id();
        health.watch(replica, now);
        LOG.log(Level.INFO, "Replica {0} was restarted by the orchestrator; watching it at {1}:{2,number,#}", replica.name(), replica.host(),
            replica.port());
        listener.started(replica.name());
      }
    }
    for (Member member : List.copyOf(reconciler.members())) {
      if (!seen.contains(Names.key(member.name)) && !member.launching && member.replica != null) {
        router.update(ring -> ring.without(member.name));
        health.forget(member.name);
        reconciler.forget(member);
        LOG.log(Level.INFO, "Replica {0} was removed through another balancer", member.name);
        listener.removed(member.name);
      }
    }
    publishView();
  }

  /** Ticks between two lists of a shared launcher: at least two each heartbeat interval, so a change is seen within one. */
  private static int sweepTicks(Duration interval) {
    return (int) Math.max(1, interval.toNanos() / 2 / TICK.toNanos());
  }

  // --- admin calls ----------------------------------------------------------------------------

  private CompletableFuture<FleetView> submit(AdminCall call) {
    loop.execute(() -> {
      if (closed) {
        call.answer.completeExceptionally(FleetException.unavailable("The balancer is shutting down; nothing was changed"));
        return;
      }
      adminCalls.add(call);
      next();
    });
    return call.answer;
  }

  /** Takes the next admin call when none is under way. */
  private void next() {
    while (current == null && !adminCalls.isEmpty()) {
      AdminCall call = adminCalls.poll();
      try {
        if (call.add) {
          beginAdd(call);
        } else {
          beginRemove(call);
        }
      } catch (FleetException refused) {
        call.answer.completeExceptionally(refused);
      }
    }
  }

  private void beginAdd(AdminCall call) {
    checkAdd(call.n, call.names, call.weights);
    Set<String> taken = new HashSet<>();
    call.names.forEach(name -> taken.add(Names.key(name)));
    Map<String, Integer> weights = new HashMap<>();
    call.weights.forEach((name, weight) -> weights.put(Names.key(name), weight));
    for (int k = 0; k < call.n; k++) {
      String name = k < call.names.size() ? call.names.get(k) : reconciler.generatedName(settings.namePrefix(), taken);
      call.members.add(reconciler.want(name, weights.getOrDefault(Names.key(name), settings.weightOf(name))));
    }
    call.deadlineNanos = clock.nanoTime() + settings.startTimeout().toNanos();
    current = call;
    publishView();
    reconciler.reconcile(clock.nanoTime());
  }

  private void beginRemove(AdminCall call) {
    checkRemove(call.n, call.names);
    List<Member> removed = new ArrayList<>();
    for (String name : call.names) {
      removed.add(reconciler.get(name));
    }
    List<Member> others = new ArrayList<>(reconciler.members());
    others.removeAll(removed);
    while (removed.size() < call.n) {
      removed.add(others.remove(random.nextInt(others.size())));
    }
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Member member : removed) {
      router.update(ring -> ring.without(member.name));
      health.forget(member.name);
      CompletableFuture<Void> stopped = reconciler.drain(member, clock.nanoTime()); // out of the ring at once; stopped once its requests have ended
      stops.add(stopped);
      String name = member.name;
      stopped.thenRun(() -> loop.execute(() -> listener.removed(name)));
    }
    reconciler.finishDrains(clock.nanoTime()); // a replica with nothing in flight stops at once
    publishView();
    current = call;
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).thenRun(() -> loop.execute(() -> finish(call)));
  }

  /** A replica joined the ring: the add under way may be complete. */
  private void joined() {
    if (current != null && current.add && current.members.stream().allMatch(member -> health.up(member.name))) {
      finish(current);
    }
  }

  private void finish(AdminCall call) {
    if (current != call) {
      return;
    }
    current = null;
    call.answer.complete(view);
    next();
  }

  /** A start for a member the add under way is waiting on failed: the add fails, and nothing is added. */
  private void failAdd(Member member) {
    if (current != null && current.add && current.members.contains(member)) {
      AdminCall call = current;
      call.rollBack();
      current = null;
      call.answer.completeExceptionally(FleetException.unavailable("Could not start " + call.names() + ": "
          + "a replica could not be started (the balancer's log says why); nothing was added"));
      next();
    }
  }

  private void timedOut(AdminCall call) {
    call.rollBack();
    current = null;
    call.answer.completeExceptionally(FleetException.unavailable("Could not start " + call.names() + ": they did not pass a heartbeat within "
        + settings.startTimeout().toSeconds() + " s; nothing was added"));
    next();
  }

  private void checkAdd(int n, List<String> names, Map<String, Integer> weights) {
    if (n < 1) {
      throw FleetException.invalid("'n' must be a positive integer, was " + n);
    }
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than newly added instances");
    }
    Names.check(names);
    for (String name : names) {
      if (reconciler.get(name) != null) {
        throw FleetException.invalid("Hostname " + Names.shown(name) + " is already in use");
      }
    }
    if ((long) reconciler.size() + n > settings.maxReplicas()) {
      throw FleetException.invalid("Adding " + n + " would make " + ((long) reconciler.size() + n)
          + " replicas, more than the maximum of " + settings.maxReplicas());
    }
    checkWeights(names, weights);
  }

  private void checkWeights(List<String> names, Map<String, Integer> weights) {
    if (weights.isEmpty()) {
      return;
    }
    if (!settings.weighsReplicas()) {
      throw FleetException.invalid("The hash strategy weighs no replica: weights need lb.strategy ring, maglev or rendezvous");
    }
    Set<String> named = new HashSet<>();
    names.forEach(name -> named.add(Names.key(name)));
    for (Map.Entry<String, Integer> weight : weights.entrySet()) {
      if (!named.contains(Names.key(weight.getKey()))) {
        throw FleetException.invalid("A weight is given for " + Names.shown(weight.getKey()) + ", which is not among the hostnames added");
      }
      if (weight.getValue() < 1 || weight.getValue() > FleetSettings.MAX_WEIGHT) {
        throw FleetException.invalid("The weight of " + Names.shown(weight.getKey()) + " must be an integer from 1 to " + FleetSettings.MAX_WEIGHT
            + ", was " + weight.getValue());
      }
    }
  }

  private void checkRemove(int n, List<String> names) {
    if (n < 1) {
      throw FleetException.invalid("'n' must be a positive integer, was " + n);
    }
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than removable instances");
    }
    Names.check(names);
    for (String name : names) {
      if (reconciler.get(name) == null) {
        throw FleetException.invalid("Hostname " + Names.shown(name) + " is not among the replicas " + view.replicas());
      }
    }
    if (n > reconciler.size()) {
      throw FleetException.invalid("Cannot remove " + n + " replicas: there are " + reconciler.size());
    }
  }

  private void publishView() {
    List<String> names = new ArrayList<>();
    List<String> now = new ArrayList<>();
    for (Member member : reconciler.members()) {
      names.add(member.name);
      if (member.problem != null) {
        now.add(member.name + ": " + member.failedStarts + (member.failedStarts == 1 ? " start" : " starts") + " failed; last: " + member.problem);
      }
    }
    view = new FleetView(names);
    problems = List.copyOf(now);
  }

  /** An {@code /add} or {@code /rm}, from the moment it is handed in to its answer. */
  private final class AdminCall {
    final boolean add;
    final int n;
    final List<String> names;
    /** For an add, the weights it gives, by name as given. */
    final Map<String, Integer> weights;
    final CompletableFuture<FleetView> answer = new CompletableFuture<>();
    /** For an add, the members it made. */
    final List<Member> members = new ArrayList<>();
    /** For an add, when it fails unless every member is in the ring; a removal waits for its stops, each bounded by the provider. */
    long deadlineNanos;

    AdminCall(boolean add, int n, List<String> names) {
      this(add, n, names, Map.of());
    }

    AdminCall(boolean add, int n, List<String> names, Map<String, Integer> weights) {
      this.add = add;
      this.n = n;
      this.names = names;
      this.weights = Map.copyOf(weights);
    }

    List<String> names() {
      return members.stream().map(member -> member.name).toList();
    }

    /** Undoes an add: its members go, and with them whatever of theirs runs. */
    void rollBack() {
      for (Member member : members) {
        router.update(ring -> ring.without(member.name));
        health.forget(member.name);
        String name = member.name;
        reconciler.drop(member).thenRun(() -> loop.execute(() -> listener.removed(name)));
      }
      publishView();
    }
  }
}
