package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.time.EngineClock;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Converges what runs on what is wanted: starts members that have no replica, replaces dead
 * ones, backs off after failed starts, stops replicas no member owns. Confined to the control
 * loop; every launcher call runs on {@code launches}, and its result comes back to the loop as
 * an event, so a start that takes seconds holds up nothing else, a stop included.
 *
 * <p>A member has at most one launcher call out at a time, so calls for one replica never
 * overlap; calls for different replicas may.
 */
final class Reconciler {

  private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** What the fleet hears of launcher calls, on the loop. */
  interface Results {
    /** A replica for {@code member} runs now; the member may have been dropped meanwhile. */
    void started(Member member, Replica replica);

    /** A start failed; {@code problem} is for the log and readiness, never for a client. */
    void startFailed(Member member, String problem);

    /**
     * A {@linkplain ReplicaLauncher#shared shared} launcher's list: the fleet as the orchestrator
     * has it. Only a list taken after every launcher call this balancer made had answered comes
     * here, so it reflects them all.
     */
    void listed(List<Replica> replicas);
  }

  /** A replica out of the ring that finishes its requests before it stops. */
  private record Draining(Replica replica, long earliestNanos, long deadlineNanos, CompletableFuture<Void> stopped) {}

  private final ReplicaLauncher launcher;
  private final Executor launches;
  private final Executor loop;
  /** Sets the timer that ends a backoff. */
  private final EngineClock clock;
  private final Results results;
  private final ToIntFunction<String> inFlight;
  private final Duration drainTimeout;
  private final Duration sharedDrain;
  private final List<Draining> draining = new ArrayList<>();
  /** Desired state: by {@link Names#key}, in the order members were added. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  /** Replicas with a stop out: a sweep that lists one meanwhile must not stop it twice. */
  private final Set<Replica> stopping = new HashSet<>();
  private boolean listing;
  /** Launcher calls made or answered: a list taken while this moved may predate one of them. */
  private long launcherCalls;
  private boolean closed;

  /**
   * @param inFlight requests in flight to the replica of a name, as the data plane counts them
   * @param drainTimeout how long a removed replica may take to finish its requests before it is stopped anyway
   * @param sharedDrain how long a retired replica of a shared launcher drains at least: time for every other balancer to list it
   *     retired and stop sending it requests
   */
  Reconciler(ReplicaLauncher launcher, Executor launches, Executor loop, EngineClock clock, Results results, ToIntFunction<String> inFlight,
      Duration drainTimeout, Duration sharedDrain) {
    this.launcher = launcher;
    this.launches = launches;
    this.loop = loop;
    this.clock = clock;
    this.results = results;
    this.inFlight = inFlight;
    this.drainTimeout = drainTimeout;
    this.sharedDrain = launcher.shared() ? sharedDrain : Duration.ZERO;
  }

  // --- desired state --------------------------------------------------------------------------

  Collection<Member> members() {
    return members.values();
  }

  /** The member of that name, whatever its case, or null. */
  Member get(String name) {
    return members.get(Names.key(name));
  }

  int size() {
    return members.size();
  }

  /** A new member under the lowest free id; started by the next {@link #reconcile}. */
  Member want(String name, int weight) {
    Member member = new Member(name, lowestFreeId(), weight);
    members.put(Names.key(name), member);
    return member;
  }

  /** A member for a replica found running, under its own id. */
  Member adopt(Replica replica, int weight) {
    Member member = new Member(replica.name(), replica.id(), weight);
    member.replica = replica;
    members.put(Names.key(replica.name()), member);
    return member;
  }

  /** Its replica passed a heartbeat and is in the ring: starts no longer count as failed. */
  void ready(Member member) {
    member.failedStarts = 0;
    member.problem = null;
  }

  /**
   * A shared launcher's replica that never became ready: counted and told, but not replaced
   * (the orchestrator restarts it), so no backoff.
   */
  void notReady(Member member, String problem) {
    member.failedStarts++;
    member.problem = problem;
  }

  /** A shared launcher lists the member's replica elsewhere: the orchestrator restarted it, under the id its labels give. */
  void moved(Member member, Replica replica) {
    member.replica = replica;
    member.id = replica.id();
  }

  boolean idFree(int id) {
    return members.values().stream().noneMatch(member -> member.id == id);
  }

  /** {@code prefix} and the lowest number that makes a name no member and none of {@code alsoTaken} has. */
  String generatedName(String prefix, Set<String> alsoTaken) {
    for (int k = 1; ; k++) {
      String name = prefix + k;
      if (get(name) == null && alsoTaken.add(Names.key(name))) {
        return name;
      }
    }
  }

  /**
   * No longer wanted: its replica, if one runs, is stopped; a start still out for it finds it
   * gone and stops what it started. Completes once stopped.
   */
  CompletableFuture<Void> drop(Member member) {
    members.remove(Names.key(member.name));
    Replica running = member.replica;
    member.replica = null;
    return running == null ? CompletableFuture.completedFuture(null) : stop(running);
  }

  /** Gone from a shared launcher's list, removed through another balancer: nothing of it is left to stop. */
  void forget(Member member) {
    members.remove(Names.key(member.name));
  }

  /** Whether a replica of that name is being stopped, or drained before its stop. */
  boolean stopping(String name) {
    return stopping.stream().anyMatch(replica -> Names.key(replica.name()).equals(Names.key(name)));
  }

  /**
   * No longer wanted, and already out of the ring: its replica finishes the requests it has, for
   * at most the drain timeout, then stops, as HAProxy drains a server. Completes once stopped;
   * {@link #finishDrains} moves it on.
   */
  CompletableFuture<Void> drain(Member member, long now) {
    members.remove(Names.key(member.name));
    Replica running = member.replica;
    member.replica = null;
    if (running == null) {
      return CompletableFuture.completedFuture(null);
    }
    stopping.add(running); // a sweep meanwhile finds it owned by no member, and must leave it be
    if (launcher.shared()) {
      call(() -> launcher.retire(running), "retire replica " + running.name());
    }
    // a shared replica drains its floor even when lb.drain-timeout-ms is shorter: the others must see it retired first
    long deadline = now + Math.max(drainTimeout.toNanos(), sharedDrain.toNanos());
    Draining drain = new Draining(running, now + sharedDrain.toNanos(), deadline, new CompletableFuture<>());
    draining.add(drain);
    return drain.stopped();
  }

  /** Stops each draining replica whose requests have ended, or whose drain timeout has passed. */
  void finishDrains(long now) {
    for (Iterator<Draining> it = draining.iterator(); it.hasNext(); ) {
      Draining drain = it.next();
      int left = inFlight.applyAsInt(drain.replica().name());
      if ((left == 0 && now - drain.earliestNanos() >= 0) || now - drain.deadlineNanos() >= 0) {
        it.remove();
        if (left > 0) {
          LOG.log(Level.WARNING, "Replica {0} still had {1} requests in flight after the drain timeout; stopping it", drain.replica().name(), left);
        }
        stop(drain.replica()).thenRun(() -> drain.stopped().complete(null));
      }
    }
  }

  // --- converging -----------------------------------------------------------------------------

  /** Starts every member that has no replica, is not waiting on the launcher and whose backoff is over. */
  void reconcile(long now) {
    if (closed) {
      return;
    }
    for (Member member : members.values()) {
      if (member.replica == null && !member.launching && now - member.nextStartNanos >= 0) {
        launch(member, null);
      }
    }
  }

  /**
   * The member's replica is dead, or never became ready: stop it and start another under the
   * same name. A replica that never became ready counts as a failed start, so the next waits
   * out the backoff; one that ran and died is replaced at once.
   */
  void replace(Member member, boolean failedStart, String problem, long now) {
    Replica old = member.replica;
    member.replica = null;
    if (failedStart) {
      backOff(member, problem, now);
    }
    if (closed || member.launching) {
      return;
    }
    if (now - member.nextStartNanos >= 0) {
      launch(member, old); // the stop and the start in one call: a Docker name is free only once the old container is gone
    } else if (old != null) {
      stop(old);
    }
  }

  /**
   * Lists what the launcher runs and stops what no member owns: left from a removal, a failed
   * stop, a rollback. A shared launcher's list goes to {@link Results#listed} instead: what no
   * member owns there was added through another balancer.
   */
  void sweep() {
    if (closed || listing) {
      return;
    }
    listing = true;
    long callsBefore = launcherCalls;
    launches.execute(() -> {
      List<Replica> running;
      try {
        running = launcher.list();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not list replicas; trying again at the next sweep", e);
        running = null;
      }
      List<Replica> found = running;
      loop.execute(() -> {
        listing = false;
        if (closed || found == null) {
          return; // a failed list says nothing, least of all that a shared fleet is empty
        }
        if (launcher.shared()) {
          if (launcherCalls == callsBefore) {
            results.listed(found);
          }
          return;
        }
        for (Replica replica : found) {
          Member member = get(replica.name());
          boolean owned = member != null && (member.launching || replica.equals(member.replica));
          if (!owned && !stopping.contains(replica) && !closed) {
            LOG.log(Level.INFO, "Stopping replica {0}, which no member owns", replica.name());
            stop(replica);
          }
        }
      });
    });
  }

  /**
   * From now on nothing starts; a start still out stops what it started. Completes once every
   * replica has stopped, or at once when replicas are kept for the next balancer to adopt.
   */
  CompletableFuture<Void> close(boolean stopReplicas) {
    closed = true;
    List<CompletableFuture<Void>> drained = new ArrayList<>();
    for (Draining drain : draining) { // removed, so stopped whether or not the others are kept
      drained.add(stop(drain.replica()).thenRun(() -> drain.stopped().complete(null)));
    }
    draining.clear();
    List<Replica> running = new ArrayList<>();
    for (Member member : members.values()) {
      if (member.replica != null) {
        running.add(member.replica);
      }
    }
    if (!stopReplicas) {
      LOG.log(Level.INFO, "Leaving {0} replicas running for the next balancer to adopt", running.size());
      return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new));
    }
    LOG.log(Level.INFO, "Stopping {0} replicas", running.size());
    running.forEach(replica -> drained.add(stop(replica)));
    return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new));
  }

  // --- launcher calls -------------------------------------------------------------------------

  private void launch(Member member, Replica old) {
    member.launching = true;
    launcherCalls++;
    if (old != null) {
      stopping.add(old);
    }
    ReplicaSpec spec = new ReplicaSpec(member.name, member.id);
    launches.execute(() -> {
      if (old != null) {
        killQuietly(old); // dead or never ready: nothing to drain, and no grace a hung process would heed
      }
      Replica started;
      try {
        started = launcher.start(spec);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not start replica " + member.name, e);
        loop.execute(() -> {
          launcherCalls++;
          stopping.remove(old);
          member.launching = false;
          results.startFailed(member, "the provider could not start it: " + e.getMessage());
        });
        return;
      }
      loop.execute(() -> {
        launcherCalls++;
        stopping.remove(old);
        member.launching = false;
        if (closed || get(member.name) != member) {
          stop(started);
          return;
        }
        member.replica = started;
        member.id = started.id(); // a shared launcher may answer with the id the orchestrator's labels give
        LOG.log(Level.INFO, "Started replica {0} at {1}:{2,number,#}", started.name(), started.host(), started.port());
        results.started(member, started);
      });
    });
  }

  /** Records a failed start and when the next may come: 0.5 s, doubling, at most 30 s; a timer starts it then. */
  void backOff(Member member, String problem, long now) {
    member.failedStarts++;
    member.problem = problem;
    long backoff = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(member.failedStarts - 1, 10));
    member.nextStartNanos = now + backoff;
    clock.schedule(Duration.ofNanos(backoff), () -> loop.execute(() -> reconcile(clock.nanoTime())));
  }

  private CompletableFuture<Void> stop(Replica replica) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    stopping.add(replica);
    launcherCalls++;
    launches.execute(() -> {
      stopQuietly(replica);
      loop.execute(() -> {
        launcherCalls++;
        stopping.remove(replica);
        stopped.complete(null);
      });
    });
    return stopped;
  }

  /** Asks the launcher, off the loop, whether the replica's process is stopped; hands the answer to {@code answer} on the loop, false if it cannot tell. */
  void whetherStopped(Replica replica, Consumer<Boolean> answer) {
    launches.execute(() -> {
      boolean stopped;
      try {
        stopped = launcher.stopped(replica);
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Could not ask whether replica " + replica.name() + " is stopped", e);
        stopped = false;
      }
      boolean said = stopped;
      loop.execute(() -> answer.accept(said));
    });
  }

  /** A launcher call whose answer nothing waits on, but which a list taken meanwhile may predate. */
  private void call(Runnable call, String what) {
    launcherCalls++;
    launches.execute(() -> {
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not " + what, e);
      }
      loop.execute(() -> launcherCalls++);
    });
  }

  private void killQuietly(Replica replica) {
    try {
      launcher.kill(replica);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not end replica " + replica.name() + "; the next sweep tries again", e);
    }
  }

  private void stopQuietly(Replica replica) {
    try {
      launcher.stop(replica);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not stop replica " + replica.name() + "; the next sweep tries again", e);
    }
  }

  private int lowestFreeId() {
    int id = 1;
    while (!idFree(id)) {
      id++;
    }
    return id;
  }
}
