package io.ringlb.core.routing;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A count every event loop changes on every request, alone on its cache line. A bare
 * {@code AtomicInteger} lands beside whatever was allocated with it (the map the loads look
 * replicas up in, a replica's other counts), and each change by one core would make the other
 * fetch those again, though they never change: the slot counted sits in the middle of an array
 * with a cache line's worth of unused slots on either side.
 */
final class SharedCount {

  /** Ints in 64 bytes, the cache line of the machines the balancer runs on. */
  private static final int LINE = 16;

  private final AtomicIntegerArray slots = new AtomicIntegerArray(2 * LINE + 1);

  int get() {
    return slots.get(LINE);
  }

  int incrementAndGet() {
    return slots.incrementAndGet(LINE);
  }

  int decrementAndGet() {
    return slots.decrementAndGet(LINE);
  }
}
