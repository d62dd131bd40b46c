package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A balancer to measure: one already running at a URL, or the project's own, started here on
 * a free loopback port with the scenario's {@code lb.*} settings and stopped (with its
 * replicas) on close.
 */
final class LiveBalancer implements AutoCloseable {

  private static final Pattern IN_RING = Pattern.compile("\"inRing\":(\\d+)");

  final URI base;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final Path deployed;

  private LiveBalancer(URI base, Process process, Path deployed) {
    this.base = base;
    this.process = process;
    this.deployed = deployed;
  }

  static LiveBalancer at(URI base) {
    return new LiveBalancer(base, null, null);
  }

  /**
   * Starts the balancer server of {@code wlp} with {@code war} deployed and {@code properties}
   * as its environment ({@code lb.strategy} becomes {@code LB_STRATEGY}), replicas as local
   * processes unless the properties say otherwise.
   */
  static LiveBalancer start(Path wlp, Path war, Map<String, String> properties, Path log) {
    try {
      Path dropins = Files.createDirectories(wlp.resolve("usr/servers/lb/dropins"));
      Path deployed = Files.copy(war, dropins.resolve("lb-webapp.war"), StandardCopyOption.REPLACE_EXISTING);
      int port = freePort();
      Path opens = wlp.resolve("lib/platform/java/" + (Runtime.version().feature() >= 24 ? "java24.options" : "java9.options"));
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + opens));
      command.addAll(jvmOptions(wlp.resolve("usr/servers/lb/jvm.options")));
      command.addAll(List.of("-javaagent:" + wlp.resolve("bin/tools/ws-javaagent.jar"), "-jar", wlp.resolve("bin/tools/ws-server.jar").toString(), "lb"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("HTTP_PORT", Integer.toString(port));
      builder.environment().put("HTTP_HOST", "127.0.0.1");
      builder.environment().put("LB_PROVIDER", "process");
      properties.forEach((name, value) -> builder.environment().put(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
      return new LiveBalancer(URI.create("http://127.0.0.1:" + port), builder.start(), deployed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the balancer from " + wlp, e);
    }
  }

  /** The server's {@code jvm.options}, as {@code bin/server} reads them: one option a line, {@code #} for comments. */
  private static List<String> jvmOptions(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }

  /** The balancer's process, when it was started here. */
  Optional<ProcessHandle> process() {
    return Optional.ofNullable(process).map(Process::toHandle);
  }

  /** Waits until {@code n} replicas are in the ring. */
  void awaitInRing(int n, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (inRing().orElse(-1) != n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the balancer at " + base + " did not have " + n + " replicas in its ring within " + atMost.toSeconds() + " s");
      }
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the balancer exited with " + process.exitValue() + " before it was ready");
      }
      sleep(100);
    }
  }

  /** How many replicas are in the ring, from the readiness check's data. */
  Optional<Integer> inRing() {
    try {
      Matcher found = IN_RING.matcher(send("GET", "/health/ready", null).body());
      return found.find() ? Optional.of(Integer.parseInt(found.group(1))) : Optional.empty();
    } catch (UncheckedIOException notYet) {
      return Optional.empty();
    }
  }

  HttpResponse<String> send(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(180))
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops a balancer started here; it stops its replicas as it goes. */
  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        Files.deleteIfExists(deployed);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    http.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A loopback port nothing listens on now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
