package io.ringlb.analysis;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one wrk run measured, from the line the comparison's script writes when it is done.
 *
 * @param requests the requests completed
 * @param seconds how long the run took
 * @param p50Micros the median latency, in microseconds; likewise {@code p99Micros} and {@code p999Micros}
 * @param errors connect, read, write and timeout errors, and answers other than 2xx or 3xx
 */
record WrkResult(long requests, double seconds, long p50Micros, long p99Micros, long p999Micros, long errors) {

  double requestsPerSecond() {
    return requests / seconds;
  }

  /** Reads the {@code RESULT key=value ...} line out of wrk's output. */
  static Optional<WrkResult> parse(String output) {
    return output.lines().filter(line -> line.startsWith("RESULT ")).findFirst().map(line -> {
      Map<String, Long> values = new HashMap<>();
      for (String pair : line.substring("RESULT ".length()).trim().split("\\s+")) {
        String[] parts = pair.split("=", 2);
        values.put(parts[0], Long.parseLong(parts[1]));
      }
      return new WrkResult(values.get("requests"), values.get("duration_us") / 1e6, values.get("p50_us"), values.get("p99_us"),
          values.get("p999_us"), values.get("errors"));
    });
  }
}
