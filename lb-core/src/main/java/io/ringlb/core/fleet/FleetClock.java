package io.ringlb.core.fleet;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's time: what time it is, and a wake-up at a fixed period. The fleet reads time
 * nowhere else, so a test that injects its own clock moves time by hand and never sleeps.
 */
public interface FleetClock extends AutoCloseable {

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Runs {@code task} every {@code period} until this clock closes; the task only hands work on. */
  void every(Duration period, Runnable task);

  /** Stops every periodic task. */
  @Override
  void close();

  /** Real time, with one daemon thread that wakes the periodic tasks. */
  static FleetClock system() {
    ScheduledExecutorService wakeUps = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "ringlb-fleet-clock");
      thread.setDaemon(true);
      return thread;
    });
    return new FleetClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void every(Duration period, Runnable task) {
        wakeUps.scheduleAtFixedRate(task, 0, period.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public void close() {
        wakeUps.shutdownNow();
      }
    };
  }
}
