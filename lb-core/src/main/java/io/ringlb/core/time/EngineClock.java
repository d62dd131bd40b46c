package io.ringlb.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The engine's one source of time: monotonic time for durations and deadlines, wall time for
 * what a person reads (the access log's dates, the dashboard's events), and timers. The fleet,
 * slow start, the data plane, recent events and the access log all take this clock and read
 * time nowhere else, so a test hands a whole balancer a clock it moves by hand and never waits
 * on real time. {@link #system()} is the one implementation that reads the system's clocks.
 *
 * <p>Timer tasks run on the clock's own thread (or, in a test, on the thread that moves time):
 * a task only hands work on, to the fleet's loop or an event loop, and never blocks. The data
 * plane's timers (idle, header and response timeouts) run on their connection's event loop.
 */
public interface EngineClock extends AutoCloseable {

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();

  /** The time of day, as a person reads it. */
  Instant instant();

  /** Runs {@code task} once, {@code delay} from now, unless cancelled first. */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} on {@code loop}, {@code delay} from now, unless cancelled first: a timer of
   * one event loop's connections, set on that loop. The system clock leaves it to the loop's own
   * timers, which cost no thread hop; a clock moved by hand runs it on the loop when it falls due,
   * and waits for it to have run, so that time moved on is time the data plane has acted on.
   */
  Cancellable schedule(Duration delay, Runnable task, ScheduledExecutorService loop);

  /** Runs {@code task} now and then every {@code period}, until cancelled or this clock closes. */
  Cancellable every(Duration period, Runnable task);

  /** Cancels every timer; the clock still tells the time. */
  @Override
  void close();

  /** This clock's time of day as a {@link java.time.Clock} in {@code zone}, for formatting dates. */
  default Clock wallClock(ZoneId zone) {
    EngineClock engine = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return engine.wallClock(other);
      }

      @Override
      public Instant instant() {
        return engine.instant();
      }
    };
  }

  /** Real time, with one daemon thread that runs the timers. */
  static EngineClock system() {
    return new SystemClock();
  }

  /** A timer that may be cancelled; cancelling one that has run, or twice, does nothing. */
  @FunctionalInterface
  interface Cancellable {

    /** Nothing to cancel. */
    Cancellable NONE = () -> {};

    void cancel();
  }
}
