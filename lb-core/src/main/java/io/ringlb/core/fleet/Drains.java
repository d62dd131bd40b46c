package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.time.EngineClock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.ToIntFunction;

/**
 * Replicas out of the ring that finish the requests they have before they stop, as HAProxy
 * drains a server. Confined to the control loop. Each drain's floor and deadline are timers; its
 * requests ending is seen by {@link #finish}, which the loop's tick calls, as the data plane
 * counts requests without telling anyone.
 */
final class Drains {

  private static final System.Logger LOG = System.getLogger(Drains.class.getName());

  private record Draining(Replica replica, long earliestNanos, long deadlineNanos, CompletableFuture<Void> stopped) {}

  private final LauncherCalls calls;
  private final EngineClock clock;
  private final Executor loop;
  private final ToIntFunction<String> inFlight;
  private final Duration drainTimeout;
  private final Duration sharedDrain;
  private final List<Draining> draining = new ArrayList<>();

  /**
   * @param inFlight requests in flight to the replica of a name, as the data plane counts them
   * @param drainTimeout how long a removed replica may take to finish its requests before it is stopped anyway
   * @param sharedDrain how long a retired replica of a shared launcher drains at least: time for every other balancer to list it
   *     retired and stop sending it requests
   */
  Drains(LauncherCalls calls, EngineClock clock, Executor loop, ToIntFunction<String> inFlight, Duration drainTimeout, Duration sharedDrain) {
    this.calls = calls;
    this.clock = clock;
    this.loop = loop;
    this.inFlight = inFlight;
    this.drainTimeout = drainTimeout;
    this.sharedDrain = calls.shared() ? sharedDrain : Duration.ZERO;
  }

  /** Drains a replica already out of the ring, then stops it; completes once stopped. */
  CompletableFuture<Void> drain(Replica replica, long now) {
    calls.holdForStop(replica); // a sweep meanwhile finds it owned by no member, and must leave it be
    if (calls.shared()) {
      calls.retire(replica);
    }
    // a shared replica drains its floor even when lb.drain-timeout-ms is shorter: the others must see it retired first
    Duration longest = drainTimeout.compareTo(sharedDrain) >= 0 ? drainTimeout : sharedDrain;
    Draining drain = new Draining(replica, now + sharedDrain.toNanos(), now + longest.toNanos(), new CompletableFuture<>());
    draining.add(drain);
    if (!sharedDrain.isZero()) {
      clock.schedule(sharedDrain, () -> loop.execute(() -> finish(clock.nanoTime())));
    }
    clock.schedule(longest, () -> loop.execute(() -> finish(clock.nanoTime())));
    return drain.stopped();
  }

  /** Stops each draining replica whose requests have ended, or whose drain timeout has passed. */
  void finish(long now) {
    for (Iterator<Draining> it = draining.iterator(); it.hasNext(); ) {
      Draining drain = it.next();
      int left = inFlight.applyAsInt(drain.replica().name());
      if ((left == 0 && now - drain.earliestNanos() >= 0) || now - drain.deadlineNanos() >= 0) {
        it.remove();
        if (left > 0) {
          LOG.log(Level.WARNING, "Replica {0} still had {1} requests in flight after the drain timeout; stopping it", drain.replica().name(), left);
        }
        calls.stop(drain.replica()).thenRun(() -> drain.stopped().complete(null));
      }
    }
  }

  /** Stops every draining replica now, drained or not; each completes once stopped. */
  List<CompletableFuture<Void>> stopAll() {
    List<CompletableFuture<Void>> stopped = new ArrayList<>();
    for (Draining drain : draining) {
      stopped.add(calls.stop(drain.replica()).thenRun(() -> drain.stopped().complete(null)));
    }
    draining.clear();
    return stopped;
  }
}
