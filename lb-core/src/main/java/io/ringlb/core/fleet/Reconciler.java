package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.time.EngineClock;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * loop, and the one owner of the members' state. The launcher is called through
 * {@link LauncherCalls}, so a start that takes seconds holds up nothing else, a stop included;
 * removed replicas finish their requests in {@link Drains}.
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

  private final LauncherCalls calls;
  private final Drains drains;
  /** Sets the timer that ends a backoff. */
  private final EngineClock clock;
  private final Executor loop;
  private final Results results;
  /** Desired state: by {@link Names#key}, in the order members were added. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  private boolean closed;

  /**
   * @param inFlight requests in flight to the replica of a name, as the data plane counts them
   * @param drainTimeout how long a removed replica may take to finish its requests before it is stopped anyway
   * @param sharedDrain how long a retired replica of a shared launcher drains at least: time for every other balancer to list it
   *     retired and stop sending it requests
   */
  Reconciler(ReplicaLauncher launcher, Executor launches, Executor loop, EngineClock clock, Results results, ToIntFunction<String> inFlight,
      Duration drainTimeout, Duration sharedDrain) {
    this.calls = new LauncherCalls(launcher, launches, loop);
    this.drains = new Drains(calls, clock, loop, inFlight, drainTimeout, sharedDrain);
    this.clock = clock;
    this.loop = loop;
    this.results = results;
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
    return running == null ? CompletableFuture.completedFuture(null) : calls.stop(running);
  }

  /** Gone from a shared launcher's list, removed through another balancer: nothing of it is left to stop. */
  void forget(Member member) {
    members.remove(Names.key(member.name));
  }

  /** Whether a replica of that name is being stopped, or drained before its stop. */
  boolean stopping(String name) {
    return calls.stopping(name);
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
    return drains.drain(running, now);
  }

  /** Stops each draining replica whose requests have ended, or whose drain timeout has passed. */
  void finishDrains(long now) {
    drains.finish(now);
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
      calls.stop(old);
    }
  }

  /**
   * Lists what the launcher runs and stops what no member owns: left from a removal, a failed
   * stop, a rollback. A shared launcher's list goes to {@link Results#listed} instead: what no
   * member owns there was added through another balancer.
   */
  void sweep() {
    if (closed) {
      return;
    }
    calls.list((found, current) -> {
      if (closed) {
        return;
      }
      if (calls.shared()) {
        if (current) {
          results.listed(found);
        }
        return;
      }
      for (Replica replica : found) {
        Member member = get(replica.name());
        boolean owned = member != null && (member.launching || replica.equals(member.replica));
        if (!owned && !calls.stopping(replica)) {
          LOG.log(Level.INFO, "Stopping replica {0}, which no member owns", replica.name());
          calls.stop(replica);
        }
      }
    });
  }

  /**
   * From now on nothing starts; a start still out stops what it started. Completes once every
   * replica has stopped, or at once when replicas are kept for the next balancer to adopt.
   */
  CompletableFuture<Void> close(boolean stopReplicas) {
    closed = true;
    List<CompletableFuture<Void>> drained = new ArrayList<>(drains.stopAll()); // removed, so stopped whether or not the others are kept
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
    running.forEach(replica -> drained.add(calls.stop(replica)));
    return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new));
  }

  // --- launcher calls -------------------------------------------------------------------------

  private void launch(Member member, Replica old) {
    member.launching = true;
    calls.start(new ReplicaSpec(member.name, member.id), old, started -> {
      member.launching = false;
      if (closed || get(member.name) != member) {
        calls.stop(started);
        return;
      }
      member.replica = started;
      member.id = started.id(); // a shared launcher may answer with the id the orchestrator's labels give
      LOG.log(Level.INFO, "Started replica {0} at {1}:{2,number,#}", started.name(), started.host(), started.port());
      results.started(member, started);
    }, failure -> {
      member.launching = false;
      results.startFailed(member, "the provider could not start it: " + failure.getMessage());
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

  /** Asks the launcher, off the loop, whether the replica's process is stopped; hands the answer to {@code answer} on the loop. */
  void whetherStopped(Replica replica, Consumer<Boolean> answer) {
    calls.whetherStopped(replica, answer);
  }

  private int lowestFreeId() {
    return lowestFreeId(Set.of());
  }

  /** The lowest id no member has and {@code alsoTaken} does not hold: the one {@link #want} gives next. */
  int lowestFreeId(Set<Integer> alsoTaken) {
    int id = 1;
    while (!idFree(id) || alsoTaken.contains(id)) {
      id++;
    }
    return id;
  }
}
