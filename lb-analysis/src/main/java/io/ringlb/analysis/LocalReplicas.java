package io.ringlb.analysis;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The replicas every contender shares: the project's replica server as local processes,
 * started with the process provider the balancer itself uses, and stopped on close.
 */
final class LocalReplicas implements AutoCloseable {

  private final ReplicaLauncher launcher;
  private final Path workDir;
  private final List<Replica> replicas = new ArrayList<>();

  private LocalReplicas(ReplicaLauncher launcher, Path workDir) {
    this.launcher = launcher;
    this.workDir = workDir;
  }

  /** Starts {@code n} replicas of the balancer server's replica ({@code wlp}'s) and waits until each answers. */
  static LocalReplicas start(Path wlp, int n, Path workDir, Duration atMost) {
    ReplicaProvider provider = PluginRegistry.load(ReplicaProvider.class).select("process");
    LocalReplicas started = new LocalReplicas(provider.create(PluginConfig.of("lb.provider.process", Map.of(
        "lb.provider.process.wlp-dir", wlp.toString(),
        "lb.provider.process.user-dir", wlp.resolve("usr/servers/lb/replica-usr").toString(),
        "lb.provider.process.work-dir", workDir.toString(),
        // the server compiler's full speed and no AOT training: the replicas are the fixed backend every contender is
        // measured on, and must not become the bottleneck that makes all contenders look alike
        "lb.provider.process.jvm-options", "-Xmx192m -XX:+UseSerialGC",
        "lb.provider.process.aot-cache", "false"))), workDir);
    try {
      for (int id = 1; id <= n; id++) {
        started.replicas.add(started.launcher.start(new ReplicaSpec("replica-" + id, id)));
      }
      started.urls().forEach(url -> awaitAnswer(url.resolve("/heartbeat"), atMost));
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** Where each replica listens. */
  List<URI> urls() {
    return replicas.stream().map(r -> URI.create("http://" + r.host() + ":" + r.port())).toList();
  }

  /** The replicas' server processes, those still running: what they spend is part of what a balancer in front of them costs. */
  List<ProcessHandle> processes() {
    return replicas.stream().flatMap(r -> Kill.processOf(r.name(), workDir).stream()).toList();
  }

  /** Waits until {@code url} answers 200, or fails after {@code atMost}. */
  static void awaitAnswer(URI url, Duration atMost) {
    awaitAnswer(url, atMost, ProcessHandle.current());
  }

  /** As {@link #awaitAnswer(URI, Duration)}, failing at once if {@code server} exits first. */
  static void awaitAnswer(URI url, Duration atMost, ProcessHandle server) {
    long deadline = System.nanoTime() + atMost.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      while (true) {
        try {
          if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (!server.isAlive()) {
          throw new IllegalStateException("the server for " + url + " exited before it answered");
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(url + " did not answer 200 within " + atMost.toSeconds() + " s");
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    replicas.forEach(launcher::stop);
    launcher.close();
  }
}
