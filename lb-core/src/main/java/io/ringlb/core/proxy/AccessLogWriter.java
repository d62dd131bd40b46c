package io.ringlb.core.proxy;

import io.ringlb.core.time.EngineClock;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The access log, written by one thread of its own so the request path never formats, writes or
 * waits. An event loop's {@link #log} is a compare-and-set on a counter and one on a lock-free
 * queue; the thread takes what has queued every {@link #FLUSH_INTERVAL} (sooner when the queue
 * is half full), formats it, writes it through one buffer and flushes, as Envoy's access log
 * flush interval does.
 *
 * <p>Bounded: past {@code capacity} lines waiting, a line is dropped and counted rather than
 * queued, and after each batch that saw the count grow the writer logs a warning with it. Once
 * {@link #close()} has returned every line taken before it is written.
 *
 * <p>One line per request, as {@link AccessLogFormat} writes it.
 */
public final class AccessLogWriter implements AccessLog {

  /** How many lines may wait for the writer before new ones are dropped. */
  public static final int CAPACITY = 65_536;

  /** The most time a line waits in memory before it is written out, the writer keeping up. */
  public static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

  /** How long {@link #close()} waits for the last lines to be written. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private static final int BUFFER_CHARS = 64 * 1024;
  private static final System.Logger LOG = System.getLogger(AccessLogWriter.class.getName());

  private final Writer out;
  private final boolean closeOut;
  private final String name;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final int capacity;
  /** How many lines waiting wake the writer before its interval is out. */
  private final int burst;
  private final long flushNanos;
  private final ConcurrentLinkedQueue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
  /** Lines queued or about to be: a line takes its place here before it goes into the queue. */
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();
  private final Thread thread;
  private volatile boolean closed;

  // the writer's thread alone
  private final StringBuilder line = new StringBuilder(256);
  private final AccessLogFormat format;
  private long droppedReported;
  private boolean failing;
  /** Whether a line that could not be formatted has been reported; on the writer's thread only. */
  private boolean warnedUnwritable;

  private AccessLogWriter(Writer out, boolean closeOut, String name, Clock clock, LongSupplier nanoTime, int capacity, Duration flushInterval) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.out = Objects.requireNonNull(out, "out");
    this.closeOut = closeOut;
    this.name = Objects.requireNonNull(name, "name");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.format = new AccessLogFormat(clock.getZone());
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.capacity = capacity;
    this.burst = Math.max(1, capacity / 2);
    this.flushNanos = flushInterval.toNanos();
    this.thread = Thread.ofPlatform().name("ringlb-access-log").daemon(true).unstarted(this::run);
  }

  /**
   * Opens {@code target} (a file is created if missing and appended to) and starts the writer's
   * thread, for entries timed by the engine's clock as {@link DataPlane}'s are, dated by its time
   * of day in the system's zone (nginx's {@code $time_local}).
   *
   * @throws UncheckedIOException when the file cannot be opened
   */
  public static AccessLogWriter start(AccessLogTarget target, EngineClock clock) {
    return start(target, clock.wallClock(ZoneId.systemDefault()), clock::nanoTime);
  }

  /**
   * As {@link #start(AccessLogTarget, EngineClock)}, dates read from {@code clock} and shown in its zone.
   *
   * @param nanoTime the clock the entries' times were read from
   */
  public static AccessLogWriter start(AccessLogTarget target, Clock clock, LongSupplier nanoTime) {
    return switch (target) {
      case AccessLogTarget.Stdout stdout ->
          start(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), false, stdout.toString(), clock, nanoTime,
              CAPACITY, FLUSH_INTERVAL);
      case AccessLogTarget.File file -> {
        try {
          Writer opened = new OutputStreamWriter(Files.newOutputStream(file.path(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
              StandardOpenOption.WRITE), StandardCharsets.UTF_8);
          yield start(opened, true, file.toString(), clock, nanoTime, CAPACITY, FLUSH_INTERVAL);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open the access log " + file + " (lb.access-log)", e);
        }
      }
    };
  }

  /** A writer to {@code out} that holds at most {@code capacity} lines waiting and writes them every {@code flushInterval}. */
  static AccessLogWriter start(Writer out, boolean closeOut, String name, Clock clock, LongSupplier nanoTime, int capacity, Duration flushInterval) {
    AccessLogWriter writer = new AccessLogWriter(new BufferedWriter(out, BUFFER_CHARS), closeOut, name, clock, nanoTime, capacity, flushInterval);
    writer.thread.start();
    return writer;
  }

  @Override
  public void log(AccessLogEntry entry) {
    int ahead = queued.getAndIncrement();
    if (ahead >= capacity) {
      queued.getAndDecrement();
      dropped.increment();
      return;
    }
    queue.offer(entry);
    if (ahead + 1 == burst) {
      LockSupport.unpark(thread); // a burst: the writer need not wait out its interval
    }
  }

  /** The lines dropped so far because the writer had {@code capacity} waiting. */
  public long dropped() {
    return dropped.sum();
  }

  /**
   * Writes every line taken so far, flushes, closes a file (never standard output) and stops the
   * thread, waiting for it at most 10 s. Lines offered after this begins may be lost.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(thread);
    // the lines come first: an interruption, before or during the wait, is kept for the caller, and the wait goes on
    boolean interrupted = Thread.interrupted();
    for (int waits = 0; waits < 2 && thread.isAlive(); waits++) {
      try {
        thread.join(CLOSE_TIMEOUT);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (thread.isAlive()) {
      LOG.log(System.Logger.Level.WARNING, "the access log {0} was still being written {1} s after the balancer stopped; its last lines may be lost",
          name, CLOSE_TIMEOUT.toSeconds());
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "access log to " + name;
  }

  // ---- the writer's thread ----

  private void run() {
    while (!closed) {
      writeBatch();
      if (queued.get() < burst) {
        LockSupport.parkNanos(this, flushNanos);
      }
    }
    while (writeBatch() > 0) {
      // everything logged before close
    }
    try {
      if (closeOut) {
        out.close();
      } else {
        out.flush();
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot close the access log " + name, e);
    }
  }

  /** Writes the lines queued now, at most as many as were queued when it began, flushes, and reports new drops; answers how many it took. */
  private int writeBatch() {
    int batch = queued.get();
    // the entries' times are on the data plane's monotonic clock: one reading of the wall clock per batch places them
    Instant wallNow = clock.instant();
    long monoNow = nanoTime.getAsLong();
    int taken = 0;
    IOException failure = null;
    AccessLogEntry entry;
    while (taken < batch && (entry = queue.poll()) != null) {
      taken++;
      if (failure == null) {
        line.setLength(0);
        try {
          format.format(entry, wallNow.minusNanos(monoNow - entry.startedNanos()), line);
          out.append(line);
        } catch (IOException e) {
          failure = e;
        } catch (RuntimeException e) {
          // one line lost, not the writer: a thread that died here would leave the queue to fill and drop everything
          if (!warnedUnwritable) {
            warnedUnwritable = true;
            LOG.log(System.Logger.Level.WARNING, "cannot format a line of the access log " + name + "; such lines are left out", e);
          }
        }
      }
    }
    if (taken > 0) {
      queued.addAndGet(-taken);
      try {
        if (failure == null) {
          out.flush();
        }
      } catch (IOException e) {
        failure = e;
      }
      reportFailure(failure, taken);
    }
    reportDrops();
    return taken;
  }

  private void reportFailure(IOException failure, int lines) {
    if (failure != null && !failing) {
      LOG.log(System.Logger.Level.WARNING, "cannot write the access log " + name + "; up to " + lines + " lines lost, and more until it can", failure);
    } else if (failure == null && failing) {
      LOG.log(System.Logger.Level.INFO, "the access log {0} is written again", name);
    }
    failing = failure != null;
  }

  private void reportDrops() {
    long total = dropped.sum();
    if (total > droppedReported) {
      LOG.log(System.Logger.Level.WARNING, "the access log {0} fell behind, {3} lines waiting: dropped {1} more ({2} since the start)", name,
          total - droppedReported, total, capacity);
      droppedReported = total;
    }
  }
}
