package io.ringlb.core.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Time that moves only when a test says: {@link #forward} runs every periodic task that falls due on the way. */
final class FakeClock implements FleetClock {

  private static final class Periodic {
    final long periodNanos;
    final Runnable task;
    long nextNanos;

    Periodic(long periodNanos, Runnable task, long nextNanos) {
      this.periodNanos = periodNanos;
      this.task = task;
      this.nextNanos = nextNanos;
    }
  }

  private final List<Periodic> tasks = new ArrayList<>();
  private long now = 1_000_000_000L;
  private boolean closed;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void every(Duration period, Runnable task) {
    tasks.add(new Periodic(period.toNanos(), task, now));
    task.run();
    tasks.getLast().nextNanos = now + period.toNanos();
  }

  /** Moves time on by {@code by}, running each periodic task at every time it falls due on the way. */
  void forward(Duration by) {
    long until = now + by.toNanos();
    while (!closed) {
      Periodic next = tasks.stream().min((a, b) -> Long.compare(a.nextNanos, b.nextNanos)).orElse(null);
      if (next == null || next.nextNanos > until) {
        break;
      }
      now = next.nextNanos;
      next.nextNanos += next.periodNanos;
      next.task.run();
    }
    now = until;
  }

  @Override
  public void close() {
    closed = true;
    tasks.clear();
  }
}
