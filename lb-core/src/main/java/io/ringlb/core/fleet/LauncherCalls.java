package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLauncher;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Every call to the launcher: made on {@code launches}, so a start that takes seconds holds up
 * nothing else, and answered on the control loop, where this is confined. It knows which
 * replicas are being stopped, and whether a list taken meanwhile may predate a call.
 */
final class LauncherCalls {

  private static final System.Logger LOG = System.getLogger(LauncherCalls.class.getName());

  private final ReplicaLauncher launcher;
  private final Executor launches;
  private final Executor loop;
  /** Replicas with a stop out, or drained before one: a sweep that lists one meanwhile must not stop it twice. */
  private final Set<Replica> stopping = new HashSet<>();
  /** Calls made or answered: a list taken while this moved may predate one of them. */
  private long calls;
  private boolean listing;

  LauncherCalls(ReplicaLauncher launcher, Executor launches, Executor loop) {
    this.launcher = launcher;
    this.launches = launches;
    this.loop = loop;
  }

  /** Whether the launcher's replicas are an orchestrator's, which other balancers see too. */
  boolean shared() {
    return launcher.shared();
  }

  /**
   * Ends {@code old}, when there is one, then starts a replica: the two in one call, as a Docker
   * name is free only once the old container is gone. Answers on the loop, with the replica or
   * with why it could not start.
   */
  void start(ReplicaSpec spec, Replica old, Consumer<Replica> started, Consumer<RuntimeException> failed) {
    calls++;
    if (old != null) {
      stopping.add(old);
    }
    launches.execute(() -> {
      if (old != null) {
        kill(old); // dead or never ready: nothing to drain, and no grace a hung process would heed
      }
      Replica replica;
      try {
        replica = launcher.start(spec);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not start replica " + spec.name(), e);
        answered(old, () -> failed.accept(e));
        return;
      }
      answered(old, () -> started.accept(replica));
    });
  }

  /** Stops a replica gracefully; completes on the loop once the launcher has answered, whether or not it could. */
  CompletableFuture<Void> stop(Replica replica) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    stopping.add(replica);
    calls++;
    launches.execute(() -> {
      try {
        launcher.stop(replica);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not stop replica " + replica.name() + "; the next sweep tries again", e);
      }
      answered(replica, () -> stopped.complete(null));
    });
    return stopped;
  }

  /** Tells a shared launcher the replica is leaving, so every balancer that lists it stops sending it requests; nothing waits on the answer. */
  void retire(Replica replica) {
    calls++;
    launches.execute(() -> {
      try {
        launcher.retire(replica);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not retire replica " + replica.name(), e);
      }
      loop.execute(() -> calls++);
    });
  }

  /** Marks a replica as on its way out: drained before its stop, so a sweep meanwhile leaves it be. */
  void holdForStop(Replica replica) {
    stopping.add(replica);
  }

  /** Asks whether the replica's process is stopped; hands the answer to {@code answer} on the loop, false if the launcher cannot tell. */
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

  /**
   * Lists what the launcher runs and hands it to {@code answer} on the loop, with whether no
   * other call was made or answered meanwhile (only then does the list reflect them all). A
   * list already out, or one that fails, answers nothing: a failed list says nothing, least of
   * all that a shared fleet is empty.
   */
  void list(BiConsumer<List<Replica>, Boolean> answer) {
    if (listing) {
      return;
    }
    listing = true;
    long before = calls;
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
        if (found != null) {
          answer.accept(found, calls == before);
        }
      });
    });
  }

  /** Whether this replica is being stopped, or drained before its stop. */
  boolean stopping(Replica replica) {
    return stopping.contains(replica);
  }

  /** Whether a replica of that name, whatever its case, is being stopped, or drained before its stop. */
  boolean stopping(String name) {
    return stopping.stream().anyMatch(replica -> Names.key(replica.name()).equals(Names.key(name)));
  }

  /** A call has come back: counted, its replica no longer on its way out, then {@code then}, all on the loop. */
  private void answered(Replica done, Runnable then) {
    loop.execute(() -> {
      calls++;
      if (done != null) {
        stopping.remove(done);
      }
      then.run();
    });
  }

  private void kill(Replica replica) {
    try {
      launcher.kill(replica);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not end replica " + replica.name() + "; the next sweep tries again", e);
    }
  }
}
