package io.ringlb.core.time;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time that moves only when a test says: {@link #forward} runs every timer that falls due on the
 * way, in the order they fall due, on the test's thread. Safe to read from other threads (an
 * event loop timing a request); timers are set and run under the clock's lock.
 */
public final class FakeClock implements EngineClock {

  /** Where the time of day starts, so dates in a test's output are the same every run. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final long START_NANOS = 1_000_000_000L;

  private final class Timer implements Cancellable {
    final long periodNanos;
    final Runnable task;
    long dueNanos;

    Timer(long periodNanos, Runnable task, long dueNanos) {
      this.periodNanos = periodNanos;
      this.task = task;
      this.dueNanos = dueNanos;
    }

    @Override
    public void cancel() {
      synchronized (FakeClock.this) {
        timers.remove(this);
      }
    }
  }

  private final List<Timer> timers = new ArrayList<>();
  private volatile long now = START_NANOS;
  private boolean closed;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Instant instant() {
    return EPOCH.plusNanos(now - START_NANOS);
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Timer timer = new Timer(0, task, now + delay.toNanos());
    if (!closed) {
      timers.add(timer);
    }
    return timer;
  }

  /**
   * Runs {@code task} on {@code loop} when it falls due, and {@link #forward} waits for it to
   * have run there: whatever it does (a timeout answered, the next timer set) is done by the time
   * time has moved on. A loop shut down by then runs nothing. Cancelled on the loop after it fell
   * due but before the loop got to it, it does not run, as a loop's own timer would not.
   */
  @Override
  public Cancellable schedule(Duration delay, Runnable task, ScheduledExecutorService loop) {
    AtomicBoolean cancelled = new AtomicBoolean();
    Runnable unlessCancelled = () -> {
      if (!cancelled.get()) {
        task.run();
      }
    };
    Cancellable timer = schedule(delay, () -> {
      if (loop instanceof EventExecutor netty && netty.inEventLoop()) {
        unlessCancelled.run(); // an embedded channel's loop, which is the test's own thread
        return;
      }
      CompletableFuture<Void> ran;
      try {
        ran = CompletableFuture.runAsync(unlessCancelled, loop);
      } catch (RejectedExecutionException shutDown) {
        return;
      }
      ran.orTimeout(10, TimeUnit.SECONDS).join(); // a loop that never runs it fails the test rather than hang it
    });
    return () -> {
      cancelled.set(true);
      timer.cancel();
    };
  }

  @Override
  public Cancellable every(Duration period, Runnable task) {
    Timer timer = new Timer(period.toNanos(), task, now + period.toNanos());
    synchronized (this) {
      if (closed) {
        return timer;
      }
      timers.add(timer);
    }
    task.run();
    return timer;
  }

  /** Moves time on by {@code by}, running each timer at every time it falls due on the way. */
  public void forward(Duration by) {
    long until = now + by.toNanos();
    while (true) {
      Timer next;
      synchronized (this) {
        next = timers.stream().min((a, b) -> Long.compare(a.dueNanos, b.dueNanos)).orElse(null);
        if (next == null || next.dueNanos > until) {
          break;
        }
        now = next.dueNanos;
        if (next.periodNanos > 0) {
          next.dueNanos += next.periodNanos;
        } else {
          timers.remove(next);
        }
      }
      next.task.run(); // outside the lock: a task may set or cancel timers
    }
    now = until;
  }

  /**
   * Whether a timer set and not yet run falls due exactly {@code delay} from now: a timeout set
   * since the clock last moved, which tells a test that what sets it has happened.
   */
  public synchronized boolean dueIn(Duration delay) {
    long due = now + delay.toNanos();
    return timers.stream().anyMatch(timer -> timer.dueNanos == due);
  }

  /** Timers set and not yet run or cancelled. */
  public synchronized int timers() {
    return timers.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    timers.clear();
  }
}
