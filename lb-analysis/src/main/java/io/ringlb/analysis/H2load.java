package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * nghttp2's {@code h2load} over TLS: a fixed number of clients, each one connection with a fixed
 * number of HTTP/2 streams in flight, for a fixed time. A run in which ALPN did not choose
 * {@code h2} fails: it would measure HTTP/1.1 under the name of HTTP/2.
 */
final class H2load implements Load {

  /** How many keys the clients go through: h2load sends one list of URIs, each client from its start, in order. */
  private static final int KEYS = 10_000;

  private final Path folder;
  private final int threads;
  private final int clients;
  private final int streams;
  private final Map<String, String> negotiated = new ConcurrentHashMap<>();

  H2load(Path folder, int threads, int clients, int streams) {
    this.folder = folder;
    this.threads = threads;
    this.clients = clients;
    this.streams = streams;
  }

  /** The first line of {@code h2load --version}. */
  static String version() {
    return Tools.firstLine("h2load", "--version");
  }

  @Override
  public WrkResult load(Contender contender, Duration duration) {
    Path uris = folder.resolve("h2load-uris.txt");
    Path log = folder.resolve("h2load-requests.log");
    try {
      // random keys as wrk's script draws them, so the hashing spreads the requests over the replicas
      Files.write(uris, IntStream.range(0, KEYS).mapToObj(i -> contender.url().resolve("/home?key=" + ThreadLocalRandom.current().nextInt(100000, 1000000)))
          .map(URI::toString).toList());
      H2loadResult result = run(contender, List.of("-t" + Math.min(threads, clients), "-c" + clients, "-m" + streams,
          "-D", Long.toString(Math.max(1, duration.toSeconds())), "-i", uris.toString()), log);
      negotiated.put(contender.name(), result.negotiated());
      long[] percentiles = RequestLog.percentiles(RequestLog.times(log));
      return new WrkResult(result.succeeded(), result.seconds(), percentiles[0], percentiles[1], percentiles[2], result.errors());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(log);
    }
  }

  /** What TLS and ALPN settled with each contender in its last run, e.g. {@code ringlb: TLSv1.3, TLS_AES_128_GCM_SHA256, h2}. */
  String negotiated() {
    return negotiated.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining("; "));
  }

  /** Runs h2load against {@code contender} with {@code options}, each request logged to {@code log}; fails unless it spoke h2. */
  static H2loadResult run(Contender contender, List<String> options, Path log) {
    List<String> command = new ArrayList<>(List.of(Tools.executable("h2load")));
    command.addAll(options);
    command.add("--log-file=" + log);
    try {
      Process h2load = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(h2load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = h2load.waitFor();
      H2loadResult result = H2loadResult.parse(output).filter(r -> exit == 0)
          .orElseThrow(() -> new IllegalStateException("h2load against " + contender.name() + " failed (exit " + exit + "):\n" + output));
      if (!result.applicationProtocol().equals("h2")) {
        throw new IllegalStateException("h2load and " + contender.name() + " settled on " + result.applicationProtocol() + ", not h2:\n" + output);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run h2load: install it (apt-get install nghttp2-client)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover log in the work folder harms nothing
    }
  }
}
