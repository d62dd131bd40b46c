package io.ringlb.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The system's clocks, and one daemon thread that runs the timers: the only place the engine reads real time. */
final class SystemClock implements EngineClock {

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "ringlb-clock");
    thread.setDaemon(true);
    return thread;
  });

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> scheduled = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> scheduled.cancel(false);
    } catch (RejectedExecutionException closed) {
      return () -> {}; // a timer set while the engine closes never runs
    }
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task, ScheduledExecutorService loop) {
    ScheduledFuture<?> scheduled = loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> scheduled.cancel(false);
  }

  @Override
  public Cancellable every(Duration period, Runnable task) {
    try {
      ScheduledFuture<?> scheduled = timers.scheduleAtFixedRate(task, 0, period.toNanos(), TimeUnit.NANOSECONDS);
      return () -> scheduled.cancel(false);
    } catch (RejectedExecutionException closed) {
      return () -> {};
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
