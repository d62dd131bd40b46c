package io.ringlb.analysis;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one h2load run printed: how many requests succeeded at what rate, how many did not,
 * and what TLS and ALPN negotiated.
 *
 * @param succeeded requests answered on a stream that closed cleanly
 * @param seconds how long they took: succeeded over h2load's rate, as precise as the rate it prints
 * @param errors requests that did not succeed (failed, reset, timed out) and answers 4xx or 5xx
 * @param tlsProtocol e.g. {@code TLSv1.3}
 * @param cipher e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol what ALPN chose, e.g. {@code h2}
 */
record H2loadResult(long succeeded, double seconds, long errors, String tlsProtocol, String cipher, String applicationProtocol) {

  // finished in 2.00s, 105840.00 req/s, 3.63MB/s
  private static final Pattern FINISHED = Pattern.compile("^finished in ([0-9.]+)(us|ms|s), ([0-9.]+) req/s", Pattern.MULTILINE);
  // requests: 211680 total, 211696 started, 211680 done, 211680 succeeded, 0 failed, 0 errored, 0 timeout
  private static final Pattern REQUESTS = Pattern.compile("^requests: (\\d+) total, \\d+ started, \\d+ done, (\\d+) succeeded", Pattern.MULTILINE);
  // status codes: 211680 2xx, 0 3xx, 0 4xx, 0 5xx
  private static final Pattern STATUSES = Pattern.compile("^status codes: \\d+ 2xx, \\d+ 3xx, (\\d+) 4xx, (\\d+) 5xx", Pattern.MULTILINE);

  /** Reads h2load's summary; empty when it did not get as far as one (it could not connect, say). */
  static Optional<H2loadResult> parse(String output) {
    Matcher finished = FINISHED.matcher(output);
    Matcher requests = REQUESTS.matcher(output);
    Matcher statuses = STATUSES.matcher(output);
    if (!finished.find() || !requests.find() || !statuses.find()) {
      return Optional.empty();
    }
    long total = Long.parseLong(requests.group(1));
    long succeeded = Long.parseLong(requests.group(2));
    double rate = Double.parseDouble(finished.group(3));
    double took = Double.parseDouble(finished.group(1)) / switch (finished.group(2)) {
      case "us" -> 1e6;
      case "ms" -> 1e3;
      default -> 1.0;
    };
    // in a timed run h2load prints the time rounded to 10 ms, and a rate computed from the exact one
    double seconds = rate > 0 ? succeeded / rate : took;
    long errors = total - succeeded + Long.parseLong(statuses.group(1)) + Long.parseLong(statuses.group(2));
    return Optional.of(new H2loadResult(succeeded, seconds, errors, line(output, "TLS Protocol"), line(output, "Cipher"),
        line(output, "Application protocol")));
  }

  /** What the TLS handshake settled, e.g. {@code TLSv1.3, TLS_AES_128_GCM_SHA256, h2}. */
  String negotiated() {
    return tlsProtocol + ", " + cipher + ", " + applicationProtocol;
  }

  /** The value of h2load's {@code name: value} line, or {@code none} when it printed none (a cleartext run). */
  private static String line(String output, String name) {
    return output.lines().filter(l -> l.startsWith(name + ": ")).findFirst().map(l -> l.substring(name.length() + 2).strip()).orElse("none");
  }
}
