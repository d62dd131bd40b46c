package io.ringlb.core.fleet;

import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * How long a probe's heartbeats may take, on the engine's clock: one not settled when it passes
 * has timed out. The clock times it, as it times every other deadline of the engine, rather than
 * the HTTP client's, Netty's or grpc-java's own timers: a test moves a heartbeat past its timeout
 * as it moves the fleet, and never waits on real time for it. Once the probe stops, the
 * heartbeats still under way have failed, so that none holds a connection or a timer after it.
 *
 * <p>A probe gives up what a heartbeat holds (a send, a connection, a call) when the heartbeat
 * settles, however it settles.
 */
final class HeartbeatDeadline {

  private final EngineClock clock;
  private final Duration timeout;
  /** The heartbeats under way, each with what was tried: settled, each leaves. */
  private final Map<CompletableFuture<Heartbeat>, String> underWay = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /** @param timeout the whole heartbeat's: its name looked up, its connection made, its answer read */
  HeartbeatDeadline(EngineClock clock, Duration timeout) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Starts a heartbeat: runs {@code work}, which settles {@code beat}, on {@code executor}, and
   * settles it as {@link Outcome#TIMED_OUT} once the timeout has passed, unless it settled first,
   * with what was tried ({@code tried}) and what it was still waiting for ({@code waiting}, asked
   * then); settling first cancels the timer. A heartbeat asked for once the probe has stopped, or
   * once {@code executor} has shut down, has failed at once; one settled before {@code work} got
   * to run is not begun. Returns {@code beat}.
   */
  CompletableFuture<Heartbeat> start(CompletableFuture<Heartbeat> beat, String tried, Supplier<String> waiting, Executor executor, Runnable work) {
    if (watch(beat, tried, waiting).isDone()) {
      return beat; // the heartbeats have stopped
    }
    try {
      executor.execute(() -> {
        if (!beat.isDone()) {
          work.run();
        }
      });
    } catch (RejectedExecutionException shutDown) {
      stopped(beat, tried);
    }
    return beat;
  }

  private CompletableFuture<Heartbeat> watch(CompletableFuture<Heartbeat> beat, String tried, Supplier<String> waiting) {
    underWay.put(beat, tried);
    Cancellable timer = clock.schedule(timeout, () -> beat.complete(new Heartbeat(Outcome.TIMED_OUT, tried + waiting.get() + " within " + timeout.toMillis() + " ms")));
    beat.whenComplete((settled, never) -> {
      timer.cancel();
      underWay.remove(beat);
    });
    if (stopped) {
      stopped(beat, tried); // after it was listed: a stop that comes meanwhile settles it either way
    }
    return beat;
  }

  /** Settles every heartbeat under way, and any asked for from now on, as failed: the heartbeats have stopped. */
  void stop() {
    stopped = true;
    underWay.forEach(HeartbeatDeadline::stopped);
  }

  private static void stopped(CompletableFuture<Heartbeat> beat, String tried) {
    beat.complete(new Heartbeat(Outcome.FAILED, tried + "the heartbeats have stopped"));
  }
}
