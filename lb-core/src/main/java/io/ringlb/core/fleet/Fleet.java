package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.fleet.Member.Health;
import io.ringlb.core.routing.Router;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Keeps the replicas a balancer wants running and in its ring.
 *
 * <p>Desired state is the members: names and ids, in the order they were added. Actual state is
 * what the launcher runs and what heartbeats say of it. Three kinds of thread meet here, and
 * none waits on another's I/O:
 *
 * <ul>
 *   <li>the heartbeat thread probes every running replica each interval; results change health
 *       and the ring at once, under a lock held for a few assignments;
 *   <li>the launcher thread runs every start, stop and list, one at a time, in a reconcile pass
 *       that converges actual on desired state: it starts missing members, replaces failed ones
 *       and stops replicas nobody wants;
 *   <li>admin calls ({@link #add}, {@link #remove}) are serialized among themselves, change
 *       desired state, and wait for the reconcile pass to get there.
 * </ul>
 *
 * Routing reads the ring through the {@link Router} and never takes any of these locks.
 */
public final class Fleet implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());

  /** An RFC 1123 label: what a container name on a Docker network and a DNS name must be. */
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration FAST_TICK = Duration.ofMillis(100);

  private final FleetSettings settings;
  private final ReplicaLauncher launcher;
  private final Router router;
  private final HealthProbe probe;
  private final RandomGenerator random;

  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final Map<String, Member> members = new LinkedHashMap<>();

  private final ReentrantLock admin = new ReentrantLock(true);
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("ringlb-heartbeat"));
  private final ExecutorService launcherThread = Executors.newSingleThreadExecutor(daemon("ringlb-launcher"));
  private final AtomicBoolean reconcileQueued = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  public Fleet(FleetSettings settings, ReplicaLauncher launcher, Router router, HealthProbe probe, RandomGenerator random) {
    this.settings = settings;
    this.launcher = launcher;
    this.router = router;
    this.probe = probe;
    this.random = random;
  }

  /**
   * Adopts the replicas the launcher already runs (those of a balancer that ran before), adds
   * members up to N, and starts watching. Returns at once; replicas join the ring as they pass
   * their heartbeats.
   */
  public void start() {
    List<Replica> found = new ArrayList<>(onLauncherThread(launcher::list));
    found.sort(java.util.Comparator.comparingInt(Replica::id)); // the order they were first added in, near enough
    synchronized (lock) {
      for (Replica replica : found) {
        if (members.size() < settings.maxReplicas() && !members.containsKey(replica.name()) && idFree(replica.id())) {
          Member member = new Member(replica.name(), replica.id());
          member.running(replica, System.nanoTime());
          members.put(member.name, member);
          LOG.log(Level.INFO, "Adopted replica {0} at {1}:{2,number,#}", replica.name(), replica.host(), replica.port());
        }
      }
      Set<String> taken = new HashSet<>();
      while (members.size() < settings.replicas()) {
        Member member = new Member(generatedName(taken), lowestFreeId());
        members.put(member.name, member);
      }
    }
    // Replicas on their way in are probed every tick, those in the ring every interval, as
    // HAProxy's fastinter and inter: a started replica joins within a tick of being ready.
    long tick = Math.min(settings.heartbeat().interval().toMillis(), FAST_TICK.toMillis());
    heartbeats.scheduleAtFixedRate(this::heartbeatAll, 0, tick, TimeUnit.MILLISECONDS);
    // a slower sweep catches what no event triggers: a start to retry after a failure, a stray to stop
    heartbeats.scheduleWithFixedDelay(this::requestReconcile, 1_000, 1_000, TimeUnit.MILLISECONDS);
    requestReconcile();
  }

  /** The replicas the fleet keeps, in the order they were added. */
  public FleetView view() {
    synchronized (lock) {
      return new FleetView(List.copyOf(members.keySet()));
    }
  }

  /** Whether any replica is in the ring, so requests can be served. */
  public boolean serving() {
    return !router.ring().replicas().isEmpty();
  }

  /**
   * Adds {@code n} replicas, named by {@code names} and then by generated names, and answers
   * once every one of them has passed a heartbeat and is in the ring.
   *
   * @throws FleetException {@code INVALID_REQUEST} when the request cannot be carried out as
   *     asked, or {@code UNAVAILABLE} when the replicas did not come up in time; nothing is
   *     changed either way
   */
  public FleetView add(int n, List<String> names) {
    admin.lock();
    try {
      List<Member> added = new ArrayList<>();
      synchronized (lock) {
        checkAdd(n, names);
        Set<String> taken = new HashSet<>();
        for (String name : names) {
          taken.add(name.toLowerCase(Locale.ROOT));
        }
        for (int k = 0; k < n; k++) {
          String name = k < names.size() ? names.get(k) : generatedName(taken);
          Member member = new Member(name, lowestFreeId());
          members.put(name, member);
          added.add(member);
        }
      }
      requestReconcile();
      awaitFirstUp(added);
      return view();
    } finally {
      admin.unlock();
    }
  }

  /**
   * Removes {@code n} replicas, the ones named by {@code names} and then others picked at
   * random, and answers once they are out of the ring and stopped.
   *
   * @throws FleetException {@code INVALID_REQUEST} when the request cannot be carried out as
   *     asked; nothing is changed
   */
  public FleetView remove(int n, List<String> names) {
    admin.lock();
    try {
      List<Member> removed = new ArrayList<>();
      synchronized (lock) {
        checkRemove(n, names);
        for (String name : names) {
          removed.add(members.get(name));
        }
        List<Member> others = new ArrayList<>(members.values());
        others.removeAll(removed);
        while (removed.size() < n) {
          removed.add(others.remove(random.nextInt(others.size())));
        }
        for (Member member : removed) {
          members.remove(member.name);
          router.update(ring -> ring.without(member.name));
          member.firstUp.completeExceptionally(FleetException.unavailable("replica " + member.name + " was removed"));
        }
      }
      onLauncherThread(
          () -> {
            for (Member member : removed) {
              // a start still under way for it finds it gone and stops what it started
              if (member.replica != null) {
                stopQuietly(member.replica);
              }
            }
            return null;
          });
      return view();
    } finally {
      admin.unlock();
    }
  }

  /**
   * Passive health: a request could not reach {@code replica}. Counts as a missed heartbeat, so
   * a dead replica leaves the ring after {@code fall} failures, heartbeat or request, whichever
   * come first.
   *
   * @param outcome {@link Outcome#TIMED_OUT} or {@link Outcome#FAILED}
   */
  public void reportFailure(Replica replica, Outcome outcome) {
    synchronized (lock) {
      Member member = members.get(replica.name());
      if (member != null && replica.equals(member.replica) && member.health != Health.DOWN) {
        miss(member, outcome, "requests failed");
      }
    }
  }

  /**
   * Stops watching and, unless configured to keep them, stops the replicas. The stop runs on
   * the launcher thread, after any reconcile pass under way, so a replacement that pass started
   * is stopped too; from now on no pass starts anything.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeats.shutdownNow();
    try {
      launcherThread.submit(() -> {
        List<Replica> running = new ArrayList<>();
        synchronized (lock) {
          for (Member member : members.values()) {
            if (member.replica != null) {
              running.add(member.replica);
            }
          }
        }
        if (settings.stopReplicasOnClose()) {
          LOG.log(Level.INFO, "Stopping {0} replicas", running.size());
          running.forEach(this::stopQuietly);
        } else {
          LOG.log(Level.INFO, "Leaving {0} replicas running for the next balancer to adopt", running.size());
        }
      }).get(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.WARNING, "Not every replica stopped", e);
    }
    launcherThread.shutdownNow();
    launcher.close();
  }

  // --- checks -------------------------------------------------------------------------------

  private void checkAdd(int n, List<String> names) {
    if (n < 1) {
      throw FleetException.invalid("'n' must be a positive integer, was " + n);
    }
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than newly added instances");
    }
    checkNames(names);
    for (String name : names) {
      if (inUse(name)) {
        throw FleetException.invalid("Hostname '" + name + "' is already in use");
      }
    }
    if (members.size() + n > settings.maxReplicas()) {
      throw FleetException.invalid("Adding " + n + " would make " + (members.size() + n)
          + " replicas, more than the maximum of " + settings.maxReplicas());
    }
  }

  private void checkRemove(int n, List<String> names) {
    if (n < 1) {
      throw FleetException.invalid("'n' must be a positive integer, was " + n);
    }
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than removable instances");
    }
    checkNames(names);
    for (String name : names) {
      if (!members.containsKey(name)) {
        throw FleetException.invalid("Hostname '" + name + "' is not among the replicas " + members.keySet());
      }
    }
    if (n > members.size()) {
      throw FleetException.invalid("Cannot remove " + n + " replicas: there are " + members.size());
    }
  }

  private static void checkNames(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || !HOSTNAME.matcher(name).matches()) {
        throw FleetException.invalid("'" + name + "' is not a valid hostname: 1 to 63 letters, digits and hyphens,"
            + " not starting or ending with a hyphen");
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw FleetException.invalid("Hostname '" + name + "' appears more than once");
      }
    }
  }

  /** Hostnames are case-insensitive on a network, so S1 and s1 would collide. */
  private boolean inUse(String name) {
    return members.keySet().stream().anyMatch(existing -> existing.equalsIgnoreCase(name));
  }

  private String generatedName(Set<String> alsoTaken) {
    for (int k = 1; ; k++) {
      String name = settings.namePrefix() + k;
      if (!inUse(name) && alsoTaken.add(name.toLowerCase(Locale.ROOT))) {
        return name;
      }
    }
  }

  private int lowestFreeId() {
    int id = 1;
    while (!idFree(id)) {
      id++;
    }
    return id;
  }

  private boolean idFree(int id) {
    return members.values().stream().noneMatch(member -> member.id == id);
  }

  // --- waiting for admin calls --------------------------------------------------------------

  private void awaitFirstUp(List<Member> added) {
    CompletableFuture<?>[] ups = added.stream().map(member -> member.firstUp).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(ups).get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rollBack(added);
      throw FleetException.unavailable("interrupted while starting " + names(added) + "; nothing was added");
    } catch (ExecutionException | TimeoutException e) {
      rollBack(added);
      String why = e instanceof ExecutionException ? e.getCause().getMessage() : "they did not pass a heartbeat within " + settings.startTimeout().toSeconds() + " s";
      throw FleetException.unavailable("Could not start " + names(added) + ": " + why + "; nothing was added");
    }
  }

  private void rollBack(List<Member> added) {
    synchronized (lock) {
      for (Member member : added) {
        members.remove(member.name);
        router.update(ring -> ring.without(member.name));
      }
    }
    onLauncherThread(
        () -> {
          added.stream().filter(member -> member.replica != null).forEach(member -> stopQuietly(member.replica));
          return null;
        });
  }

  private static List<String> names(List<Member> added) {
    return added.stream().map(member -> member.name).toList();
  }

  // --- heartbeats -----------------------------------------------------------------------------

  private record Probe(Member member, int generation, Replica replica) {}

  /** A periodic task that throws is never run again, so nothing may escape this one. */
  private void heartbeatAll() {
    try {
      probeAll();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Heartbeat round failed", e);
    }
  }

  private void probeAll() {
    List<Probe> probes = new ArrayList<>();
    long now = System.nanoTime();
    long interval = settings.heartbeat().interval().toNanos();
    synchronized (lock) {
      for (Member member : members.values()) {
        if (member.replica == null || member.busy || member.probing || member.health == Health.DOWN) {
          continue;
        }
        if (member.health == Health.UP && now - member.lastProbeNanos < interval) {
          continue;
        }
        if (member.health == Health.PENDING && now - member.startedAtNanos > settings.startTimeout().toNanos()) {
          markDown(member, "did not pass a heartbeat within " + settings.startTimeout().toSeconds() + " s of starting");
          continue;
        }
        member.probing = true;
        member.lastProbeNanos = now;
        probes.add(new Probe(member, member.generation, member.replica));
      }
    }
    for (Probe p : probes) {
      probe.check(p.replica()).thenAccept(outcome -> heartbeatDone(p, outcome));
    }
  }

  private void heartbeatDone(Probe p, Outcome outcome) {
    synchronized (lock) {
      Member member = p.member();
      member.probing = false;
      if (members.get(member.name) != member || member.generation != p.generation() || member.health == Health.DOWN) {
        return;
      }
      if (outcome != Outcome.PASSED) {
        miss(member, outcome, outcome == Outcome.TIMED_OUT ? "heartbeats timed out" : "heartbeats failed");
        return;
      }
      member.misses = 0;
      member.passes++;
      if (member.health == Health.PENDING && member.passes >= settings.heartbeat().rise()) {
        member.health = Health.UP;
        member.failedStarts = 0;
        Replica replica = member.replica;
        router.update(ring -> ring.without(replica.name()).with(replica));
        long since = member.downAtNanos != 0 ? member.downAtNanos : member.startedAtNanos;
        LOG.log(Level.INFO, "Replica {0} is in the ring, {1,number,#} ms after {2}", member.name,
            (System.nanoTime() - since) / 1_000_000, member.downAtNanos != 0 ? "it went down" : "it started");
        member.downAtNanos = 0;
        member.firstUp.complete(null);
      }
    }
  }

  /**
   * Called with the lock held. A replica that refuses connections is gone and leaves the ring.
   * One that is only slow leaves it only while at least half the replicas stay: when everyone
   * is slow (a replacement starting on busy cores, a burst of load), ejecting more would start
   * more replacements, load the machine further and cascade, as Envoy's ejection limits guard
   * against.
   */
  private void miss(Member member, Outcome outcome, String why) {
    member.passes = 0;
    member.misses++;
    if (member.health != Health.UP || member.misses < settings.heartbeat().fall()) {
      return;
    }
    if (outcome == Outcome.TIMED_OUT) {
      long up = members.values().stream().filter(m -> m.health == Health.UP).count();
      if (2 * (up - 1) < members.size()) {
        if (member.misses == settings.heartbeat().fall()) {
          LOG.log(Level.WARNING, "Replica {0} is slow ({1}) but stays in the ring: fewer than half the replicas would be left", member.name, why);
        }
        return;
      }
    }
    markDown(member, why);
  }

  /** Called with the lock held: out of the ring at once, replaced by the next reconcile pass. */
  private void markDown(Member member, String why) {
    member.health = Health.DOWN;
    member.downAtNanos = System.nanoTime();
    router.update(ring -> ring.without(member.name));
    LOG.log(Level.WARNING, "Replica {0} is down ({1}); replacing it", member.name, why);
    requestReconcile();
  }

  // --- reconciling on the launcher thread ----------------------------------------------------

  private void requestReconcile() {
    if (!closed.get() && reconcileQueued.compareAndSet(false, true)) {
      try {
        launcherThread.execute(this::reconcile);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        reconcileQueued.set(false);
      }
    }
  }

  private void reconcile() {
    reconcileQueued.set(false);
    if (closed.get()) {
      return;
    }
    List<Member> toReplace = new ArrayList<>();
    List<Member> toStart = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (lock) {
      for (Member member : members.values()) {
        if (member.busy) {
          continue;
        }
        if (member.health == Health.DOWN && member.replica != null) {
          member.busy = true;
          toReplace.add(member);
        } else if (member.replica == null && now - member.nextStartNanos >= 0) {
          member.busy = true;
          toStart.add(member);
        }
      }
    }
    for (Member member : toReplace) {
      stopQuietly(member.replica);
      synchronized (lock) {
        member.replica = null;
      }
      toStart.add(member);
    }
    for (Member member : toStart) {
      if (closed.get()) {
        synchronized (lock) {
          member.busy = false;
        }
        continue;
      }
      startMember(member);
    }
    stopStrays();
  }

  private void startMember(Member member) {
    Replica started;
    try {
      started = launcher.start(new ReplicaSpec(member.name, member.id));
    } catch (RuntimeException e) {
      synchronized (lock) {
        member.busy = false;
        member.failedStarts++;
        long backoff = Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(member.failedStarts, 10));
        member.nextStartNanos = System.nanoTime() + backoff * 1_000_000;
        member.firstUp.completeExceptionally(e);
      }
      LOG.log(Level.WARNING, "Could not start replica " + member.name + "; trying again later", e);
      return;
    }
    boolean wanted;
    synchronized (lock) {
      member.busy = false;
      wanted = members.get(member.name) == member && !closed.get();
      if (wanted) {
        member.running(started, System.nanoTime());
      }
    }
    if (!wanted) {
      stopQuietly(started);
    } else {
      LOG.log(Level.INFO, "Started replica {0} at {1}:{2,number,#}", started.name(), started.host(), started.port());
    }
  }

  /** Replicas the launcher runs that no member owns: left from a removal, a failed stop, a rollback. */
  private void stopStrays() {
    List<Replica> running;
    try {
      running = launcher.list();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not list replicas", e);
      return;
    }
    for (Replica replica : running) {
      boolean stray;
      synchronized (lock) {
        Member member = members.get(replica.name());
        stray = member == null || (!member.busy && !replica.equals(member.replica));
      }
      if (stray) {
        LOG.log(Level.INFO, "Stopping replica {0}, which no member owns", replica.name());
        stopQuietly(replica);
      }
    }
  }

  private void stopQuietly(Replica replica) {
    try {
      launcher.stop(replica);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not stop replica " + replica.name(), e);
    }
  }

  private <T> T onLauncherThread(java.util.concurrent.Callable<T> task) {
    try {
      return launcherThread.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FleetException.unavailable("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
