package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/** Requests per 100 ms: how many succeeded, failed, and how long the successes took. */
final class Timeline {

  static final long BUCKET_NANOS = 100_000_000L;

  private final long startNanos;
  private final AtomicLongArray successes;
  private final AtomicLongArray failures;
  private final AtomicLongArray latencyNanos;

  Timeline(long startNanos, int buckets) {
    this.startNanos = startNanos;
    this.successes = new AtomicLongArray(buckets);
    this.failures = new AtomicLongArray(buckets);
    this.latencyNanos = new AtomicLongArray(buckets);
  }

  /** A request sent at {@code sentNanos} that took {@code tookNanos}; counted in the bucket it was sent in. */
  void record(long sentNanos, long tookNanos, boolean success) {
    int bucket = bucket(sentNanos);
    if (bucket < 0 || bucket >= successes.length()) {
      return;
    }
    if (success) {
      successes.incrementAndGet(bucket);
      latencyNanos.addAndGet(bucket, tookNanos);
    } else {
      failures.incrementAndGet(bucket);
    }
  }

  int bucket(long nanos) {
    return (int) Math.floorDiv(nanos - startNanos, BUCKET_NANOS);
  }

  /** Seconds since the start of each bucket. */
  List<Double> seconds() {
    List<Double> seconds = new ArrayList<>();
    for (int b = 0; b < successes.length(); b++) {
      seconds.add(b * 0.1);
    }
    return seconds;
  }

  List<Long> successes() {
    return values(successes);
  }

  List<Long> failures() {
    return values(failures);
  }

  /** Mean latency of each bucket's successes, in milliseconds; 0 where none succeeded. */
  List<Double> meanLatencyMillis() {
    List<Double> means = new ArrayList<>();
    for (int b = 0; b < successes.length(); b++) {
      long count = successes.get(b);
      means.add(count == 0 ? 0.0 : latencyNanos.get(b) / 1e6 / count);
    }
    return means;
  }

  private static List<Long> values(AtomicLongArray array) {
    List<Long> values = new ArrayList<>();
    for (int b = 0; b < array.length(); b++) {
      values.add(array.get(b));
    }
    return values;
  }
}
