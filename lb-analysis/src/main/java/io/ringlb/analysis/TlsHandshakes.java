package io.ringlb.analysis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;

/**
 * New TLS connections, each with a full handshake and one request, for a fixed time: h2load
 * run again and again with as many requests as clients ({@code -n C -c C}), so every client opens
 * one connection, asks once and closes. h2load keeps no session cache, so no handshake is a
 * resumption (HAProxy's {@code SslFrontendSessionReuse_pct} reads 0 after such runs, while
 * wrk's reconnections with {@code Connection: close} resume the session and read 100).
 * The rate is the requests over the time h2load spent on them, batch by batch.
 */
final class TlsHandshakes implements Load {

  private final Path folder;
  private final int threads;
  private final int clients;

  /** {@code clients} connections at once in each batch, dealt over {@code threads} of h2load's threads. */
  TlsHandshakes(Path folder, int threads, int clients) {
    this.folder = folder;
    this.threads = threads;
    this.clients = clients;
  }

  @Override
  public WrkResult load(Contender contender, Duration duration) {
    Path log = folder.resolve("handshakes-requests.log");
    long succeeded = 0;
    long errors = 0;
    double seconds = 0;
    LongStream.Builder times = LongStream.builder();
    long deadline = System.nanoTime() + duration.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        // a batch's clients all ask for one key, hence one replica; a key drawn per batch spreads the batches over the replicas
        String url = contender.url().resolve("/home?key=" + ThreadLocalRandom.current().nextInt(100000, 1000000)).toString();
        H2loadResult batch = H2load.run(contender, List.of("-t" + Math.min(threads, clients), "-c" + clients, "-n" + clients, "-m1", url), log);
        succeeded += batch.succeeded();
        errors += batch.errors();
        seconds += batch.seconds();
        RequestLog.times(log).forEach(times::add);
      }
    } finally {
      H2load.deleteQuietly(log);
    }
    long[] percentiles = RequestLog.percentiles(times.build());
    return new WrkResult(succeeded, Math.max(seconds, 1e-9), percentiles[0], percentiles[1], percentiles[2], errors);
  }
}
