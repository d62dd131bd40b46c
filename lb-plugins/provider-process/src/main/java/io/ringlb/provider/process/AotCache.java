package io.ringlb.provider.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The replicas' AOT cache (JDK 25, JEP 483 and 514): the classes a replica's JVM loads and links
 * as it starts, and the profiles of its hot methods, kept in a file that every later replica
 * maps instead of doing that work again. It is what lets a replaced replica serve again in a
 * few seconds.
 *
 * <p>The cache is made once per work directory, JDK, Liberty install, replica server and JVM
 * options, by a replica started for that alone in the background as the launcher starts: it
 * answers a few requests and stops, and its JVM writes the cache as it exits. Replicas started before the cache exists start
 * without it. A cache the JVM finds stale is ignored with a warning, and the replica starts as
 * it would have anyway.
 */
final class AotCache implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AotCache.class.getName());
  private static final String TRAINING = "aot-training";
  private static final Duration READY_WITHIN = Duration.ofMinutes(3);

  private final ProcessSettings settings;
  private final ProcessLauncher launcher;
  private final Path file;
  private volatile Process training;

  AotCache(ProcessSettings settings, ProcessLauncher launcher) {
    this.settings = settings;
    this.launcher = launcher;
    this.file = settings.workDir().resolve("replica-" + Runtime.version().toString().replaceAll("[^A-Za-z0-9.]", "_") + "-"
        + Long.toHexString(fingerprint(settings)) + ".aot");
  }

  /**
   * What a cache was made from besides the JDK: Liberty's launcher, the replica server's
   * configuration and applications, and the JVM options. A cache made from anything else would
   * be refused by the JVM with a warning, or worse, describe classes the replica no longer has.
   */
  private static long fingerprint(ProcessSettings settings) {
    CRC32 crc = new CRC32();
    crc.update(String.join(" ", settings.jvmOptions()).getBytes(StandardCharsets.UTF_8));
    List<Path> inputs = new ArrayList<>(List.of(settings.wlpDir().resolve("bin/tools/ws-server.jar")));
    try (Stream<Path> server = Files.walk(settings.userDir().resolve("servers").resolve(settings.server()))) {
      server.filter(Files::isRegularFile).sorted().forEach(inputs::add);
    } catch (IOException | UncheckedIOException unreadable) {
      // the cache is then keyed by what could be read; a replica started from a stale one is only slower
    }
    for (Path input : inputs) {
      File each = input.toFile();
      crc.update((input + ":" + each.lastModified() + ":" + each.length() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return crc.getValue();
  }

  /** Whether replicas can use a cache: asked for, and run by this JVM's own JDK, one that makes caches in a single run. */
  private boolean possible() {
    return settings.aotCache()
        && Runtime.version().feature() >= 25
        && settings.java().equals(Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  /** The options that make a replica's JVM use the cache, when there is one. */
  List<String> use() {
    return possible() && Files.isRegularFile(file) ? List.of("-XX:AOTCache=" + file) : List.of();
  }

  /** Starts making the cache in the background unless it exists; {@code then} runs once there is a cache or none will be made. */
  void trainIfMissing(Runnable then) {
    if (possible() && !Files.isRegularFile(file)) {
      Thread.ofVirtual().name("ringlb-aot-training").start(() -> {
        train();
        then.run();
      });
    } else {
      then.run();
    }
  }

  private void train() {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    long started = System.nanoTime();
    try (HttpClient http = HttpClient.newHttpClient()) {
      Files.deleteIfExists(partial);
      int port = launcher.freePort();
      training = launcher.spawn(TRAINING, port, List.of("-XX:AOTCacheOutput=" + partial), Map.of("SERVER_ID", TRAINING));
      URI base = URI.create("http://" + settings.host() + ":" + port);
      if (!answers(http, base.resolve("/heartbeat"))) {
        LOG.log(Level.WARNING, "The replica started to make the AOT cache did not answer; replicas start without one");
        return;
      }
      for (int i = 0; i < 200; i++) { // what serving requests loads belongs in the cache too
        answers(http, base.resolve("/home"));
      }
      training.destroy(); // SIGTERM: Liberty stops, and the JVM writes the cache as it exits
      if (!training.onExit().get(2, TimeUnit.MINUTES).isAlive() && Files.isRegularFile(partial)) {
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteOutdated();
        LOG.log(Level.INFO, "Made the replicas'' AOT cache {0} in {1,number,#} ms; replicas start from it from now on",
            file, (System.nanoTime() - started) / 1_000_000);
      }
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Could not make the replicas' AOT cache; replicas start without one", e);
    } finally {
      Process left = training;
      if (left != null) {
        left.destroyForcibly();
      }
    }
  }

  /** Caches made from what replicas no longer run are of no more use. */
  private void deleteOutdated() throws IOException {
    try (Stream<Path> files = Files.list(settings.workDir())) {
      for (Path old : files.filter(f -> f.getFileName().toString().matches("replica-.*\\.aot") && !f.equals(file)).toList()) {
        Files.deleteIfExists(old);
      }
    }
  }

  private static boolean answers(HttpClient http, URI uri) {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** A training run still going when the launcher closes is ended: it is no replica. */
  @Override
  public void close() {
    Process left = training;
    if (left != null && left.isAlive()) {
      left.destroyForcibly();
    }
  }
}
