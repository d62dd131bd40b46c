package io.ringlb.core.fleet;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.RingDecorator;
import io.ringlb.core.stats.RingChange;
import io.ringlb.core.time.EngineClock.Cancellable;
import io.ringlb.core.time.EngineClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The {@code /add} and {@code /rm} calls handed to the fleet, carried out one after another in
 * the order they came. An add answers once every replica it made is in the ring, and fails,
 * rolled back, when one cannot start or the start timeout passes; a removal answers once its
 * replicas have drained and stopped. Confined to the control loop, but for {@link #add} and
 * {@link #remove}, which hand a call in from any thread.
 */
final class AdminCalls {

  private final FleetParts parts;
  private final ControlLoop loop;
  private final EngineClock clock;
  /** Seeds {@code /rm}'s random picks with what is particular to this balancer ({@link #leaving}). */
  private final long pickSalt;

  // --- confined to the loop ---
  private final Queue<Call> waiting = new ArrayDeque<>();
  private Call current;
  private boolean closed;

  AdminCalls(FleetParts parts, ControlLoop loop, EngineClock clock, RandomGenerator random) {
    this.parts = parts;
    this.loop = loop;
    this.clock = clock;
    this.pickSalt = random.nextLong();
  }

  /** See {@link Fleet#add(int, List, Map)}. */
  CompletableFuture<FleetView> add(int n, List<String> names, Map<String, Integer> weights) {
    return submit(new Call(true, n, List.copyOf(names), weights));
  }

  /** See {@link Fleet#remove}. */
  CompletableFuture<FleetView> remove(int n, List<String> names) {
    return submit(new Call(false, n, List.copyOf(names), Map.of()));
  }

  /**
   * What {@link #add} would do if handed in now: the same checks, the same names (generated ones
   * included) and weights, and the ring that would be published once they joined. Changes nothing.
   */
  CompletableFuture<ChangePlan> planAdd(int n, List<String> names, Map<String, Integer> weights) {
    return onLoop(() -> {
      Set<Integer> ids = new HashSet<>();
      List<String> joining = new ArrayList<>();
      HashRing before = RingDecorator.undecorated(parts.ring().current());
      HashRing after = before;
      for (Joining next : joining(n, names, weights)) {
        int id = parts.reconciler().lowestFreeId(ids); // as the add will give it: classic places a replica by its id
        ids.add(id);
        // where it will listen is not known yet, and no strategy places a replica by its address
        after = after.with(new Replica(next.name(), id, "0.0.0.0", 1), next.weight());
        joining.add(next.name());
      }
      return new ChangePlan(joining, List.of(), List.of(), RingChange.between(before, after));
    });
  }

  /**
   * What {@link #remove} would do if handed in now, to the letter: replicas it picks at random are
   * the ones the call picks while the fleet's members stay the same ({@link #leaving}).
   */
  CompletableFuture<ChangePlan> planRemove(int n, List<String> names) {
    return onLoop(() -> {
      List<String> leaving = leaving(n, names).stream().map(member -> member.name).toList();
      HashRing before = RingDecorator.undecorated(parts.ring().current());
      HashRing after = before;
      for (String name : leaving) {
        after = after.without(name);
      }
      return new ChangePlan(List.of(), leaving, List.of(), RingChange.between(before, after));
    });
  }

  /**
   * Gives {@code name} the weight {@code weight}, as HAProxy's {@code set server weight}: in the
   * ring at once if it is in it, and whenever it joins it again (a replacement keeps it).
   * Answers the replicas kept; refused, changing nothing, for a name not kept, a weight out of 1
   * to {@link RequestRules#MAX_WEIGHT}, or a strategy that weighs none.
   */
  CompletableFuture<FleetView> reweigh(String name, int weight) {
    CompletableFuture<FleetView> answer = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        Member member = weighable(name, weight);
        member.weight = weight;
        if (member.replica != null && parts.health().up(member.name)) {
          parts.ring().join(member.replica, weight);
        }
        parts.publishView();
        answer.complete(parts.views().view());
      } catch (FleetException refused) {
        answer.completeExceptionally(refused);
      }
    });
    return answer;
  }

  /** What {@link #reweigh} would do if handed in now; changes nothing. */
  CompletableFuture<ChangePlan> planReweigh(String name, int weight) {
    return onLoop(() -> {
      Member member = weighable(name, weight);
      HashRing before = RingDecorator.undecorated(parts.ring().current());
      HashRing after = before.replicas().contains(member.name) ? before.without(member.name).with(before.replicas().get(member.name).orElseThrow(), weight)
          : before;
      return new ChangePlan(List.of(), List.of(), List.of(member.name), RingChange.between(before, after));
    });
  }

  private Member weighable(String name, int weight) {
    Member member = parts.reconciler().get(name);
    if (member == null) {
      throw FleetException.invalid("Hostname " + Names.shown(name) + " is not among the replicas");
    }
    parts.settings().weighing().check();
    RequestRules.checkWeight(name, weight, Integer.toString(weight));
    return member;
  }

  /** Runs {@code plan} on the loop, its refusal the answer's failure. */
  private CompletableFuture<ChangePlan> onLoop(Supplier<ChangePlan> plan) {
    CompletableFuture<ChangePlan> planned = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        planned.complete(plan.get());
      } catch (FleetException refused) {
        planned.completeExceptionally(refused);
      }
    });
    return planned;
  }

  /** A replica joined the ring: the add under way may be complete. */
  void joined() {
    if (current != null && current.add && current.members.stream().allMatch(member -> parts.health().up(member.name))) {
      finish(current);
    }
  }

  /** A start for {@code member} failed: an add waiting on it fails, and nothing is added. */
  void startFailed(Member member) {
    if (current != null && current.add && current.members.contains(member)) {
      Call call = current;
      call.rollBack();
      current = null;
      call.answer.completeExceptionally(FleetException.unavailable("Could not start " + call.names() + ": "
          + "a replica could not be started (the balancer's log says why); nothing was added"));
      next();
    }
  }

  /** The start timeout of {@code call} has passed: if it is still under way, it fails, rolled back. */
  private void timedOut(Call call) {
    if (current != call) {
      return;
    }
    call.rollBack();
    current = null;
    call.answer.completeExceptionally(FleetException.unavailable("Could not start " + call.names() + ": they did not pass a heartbeat within "
        + parts.settings().startTimeout().toSeconds() + " s; nothing was added"));
    next();
  }

  /** The balancer is shutting down: the call under way is rolled back, and it and every waiting call fail. */
  void close() {
    closed = true;
    FleetException shuttingDown = shuttingDown();
    if (current != null) {
      current.rollBack();
      current.answer.completeExceptionally(shuttingDown);
      current = null;
    }
    waiting.forEach(call -> call.answer.completeExceptionally(shuttingDown));
    waiting.clear();
  }

  private static FleetException shuttingDown() {
    return FleetException.unavailable("The balancer is shutting down; nothing was changed");
  }

  private CompletableFuture<FleetView> submit(Call call) {
    loop.execute(() -> {
      if (closed) {
        call.answer.completeExceptionally(shuttingDown());
        return;
      }
      waiting.add(call);
      next();
    });
    return call.answer;
  }

  /** Takes the next call when none is under way. */
  private void next() {
    while (current == null && !waiting.isEmpty()) {
      Call call = waiting.poll();
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

  private void beginAdd(Call call) {
    for (Joining next : joining(call.n, call.names, call.weights)) {
      call.members.add(parts.reconciler().want(next.name(), next.weight()));
    }
    call.deadline = clock.schedule(parts.settings().startTimeout(), () -> loop.execute(() -> timedOut(call)));
    current = call;
    parts.publishView();
    parts.reconciler().reconcile(clock.nanoTime());
  }

  private void beginRemove(Call call) {
    List<Member> removed = leaving(call.n, call.names);
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Member member : removed) {
      parts.ring().leave(member.name);
      parts.health().forget(member.name);
      CompletableFuture<Void> stopped = parts.reconciler().drain(member, clock.nanoTime()); // out of the ring at once; stopped once its requests have ended
      stops.add(stopped);
      String name = member.name;
      stopped.thenRun(() -> loop.execute(() -> parts.listener().removed(name)));
    }
    parts.reconciler().finishDrains(clock.nanoTime()); // a replica with nothing in flight stops at once
    parts.publishView();
    current = call;
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).thenRun(() -> loop.execute(() -> finish(call)));
  }

  /** A replica an add would make: its name, given or generated, and its weight. */
  private record Joining(String name, int weight) {}

  /** What an add of {@code n}, {@code names} and {@code weights} makes, checked as the call is; the add and its dry run both ask here. */
  private List<Joining> joining(int n, List<String> names, Map<String, Integer> weights) {
    RequestRules.checkAdd(n, names, weights, name -> parts.reconciler().get(name) != null, parts.reconciler().size(), parts.settings().maxReplicas(),
        parts.settings().weighing());
    Set<String> taken = new HashSet<>();
    names.forEach(name -> taken.add(Names.key(name)));
    Map<String, Integer> given = new HashMap<>();
    weights.forEach((name, weight) -> given.put(Names.key(name), weight));
    List<Joining> joining = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String name = k < names.size() ? names.get(k) : parts.reconciler().generatedName(parts.settings().namePrefix(), taken);
      taken.add(Names.key(name));
      joining.add(new Joining(name, given.getOrDefault(Names.key(name), parts.settings().weightOf(name))));
    }
    return joining;
  }

  /**
   * The members a removal of {@code n} and {@code names} takes, checked as the call is: those
   * named, then others at random. The draw is seeded by this balancer's salt and the members
   * left to pick from, so it is the same for a dry run and the call that follows it, and new as
   * soon as the members change.
   */
  private List<Member> leaving(int n, List<String> names) {
    RequestRules.checkRemove(n, names, parts.reconciler().members().stream().map(member -> member.name).toList());
    List<Member> removed = new ArrayList<>();
    for (String name : names) {
      removed.add(parts.reconciler().get(name));
    }
    List<Member> others = new ArrayList<>(parts.reconciler().members());
    others.removeAll(removed);
    others.sort(Comparator.comparing(member -> Names.key(member.name)));
    RandomGenerator pick = new SplittableRandom(pickSalt ^ others.stream().map(member -> Names.key(member.name)).toList().hashCode());
    while (removed.size() < n) {
      removed.add(others.remove(pick.nextInt(others.size())));
    }
    return removed;
  }

  private void finish(Call call) {
    if (current != call) {
      return;
    }
    current = null;
    call.deadline.cancel();
    call.answer.complete(parts.views().view());
    next();
  }

  /** An {@code /add} or {@code /rm}, from the moment it is handed in to its answer. */
  private final class Call {
    final boolean add;
    final int n;
    final List<String> names;
    /** For an add, the weights it gives, by name as given. */
    final Map<String, Integer> weights;
    final CompletableFuture<FleetView> answer = new CompletableFuture<>();
    /** For an add, the members it made. */
    final List<Member> members = new ArrayList<>();
    /** For an add, the timer that fails it unless every member is in the ring first; a removal waits for its stops, each bounded by the provider. */
    Cancellable deadline = () -> {};

    Call(boolean add, int n, List<String> names, Map<String, Integer> weights) {
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
      deadline.cancel();
      for (Member member : members) {
        parts.ring().leave(member.name);
        parts.health().forget(member.name);
        String name = member.name;
        parts.reconciler().drop(member).thenRun(() -> loop.execute(() -> parts.listener().removed(name)));
      }
      parts.publishView();
    }
  }
}
