package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

/**
 * h2load's {@code --log-file}, a line per request (its start in microseconds since the epoch,
 * its status, the microseconds until the end of its answer): h2load's summary has no
 * percentiles, so they are taken here, as wrk's script takes them.
 */
final class RequestLog {

  private RequestLog() {}

  /** Every request's time in {@code log}, in microseconds. */
  static LongStream times(Path log) {
    try {
      return Files.readString(log).lines().filter(line -> !line.isBlank())
          .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf('\t') + 1).strip()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read h2load's log " + log, e);
    }
  }

  /** The 50th, 99th and 99.9th percentiles of {@code times}, nearest rank; zeros when there are none. */
  static long[] percentiles(LongStream times) {
    long[] sorted = times.sorted().toArray();
    return new long[] {percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 99.9)};
  }

  private static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      return 0;
    }
    // 99.9 % of 1,000 is 999.0000000000001 in doubles: without the margin the rank would be 1,000
    int rank = (int) Math.ceil(percent * sorted.length / 100 - 1e-9);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }
}
