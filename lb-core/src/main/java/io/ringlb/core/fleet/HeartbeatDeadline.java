package io.ringlb.core.fleet;

import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * How long a heartbeat may take, on the engine's clock: one not settled when it passes has timed
 * out. The clock times it, as it times every other deadline of the engine, rather than the HTTP
 * client's, Netty's or grpc-java's own timers: a test moves a heartbeat past its timeout as it
 * moves the fleet, and never waits on real time for it.
 *
 * @param timeout the whole heartbeat's: its name looked up, its connection made, its answer read
 */
record HeartbeatDeadline(EngineClock clock, Duration timeout) {

  HeartbeatDeadline {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Settles {@code beat} as {@link Outcome#TIMED_OUT} once the timeout has passed, unless it settled
   * first, with what was tried ({@code tried}) and what it was still waiting for ({@code waiting},
   * asked then); settling first cancels the timer. Returns {@code beat}.
   */
  CompletableFuture<Heartbeat> watch(CompletableFuture<Heartbeat> beat, String tried, Supplier<String> waiting) {
    Cancellable timer = clock.schedule(timeout, () -> beat.complete(new Heartbeat(Outcome.TIMED_OUT, tried + waiting.get() + " within " + timeout.toMillis() + " ms")));
    beat.whenComplete((settled, never) -> timer.cancel());
    return beat;
  }
}
