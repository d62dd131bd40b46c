package io.ringlb.analysis;

import io.ringlb.client.RinglbClient;
import io.ringlb.provider.process.ProcessReplicaProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A balancer to measure: one already running at a URL, or the project's own, started here as
 * the README starts it outside Docker (Liberty's {@code bin/server run lb}) on free loopback
 * ports with the scenario's {@code lb.*} settings, and stopped (with its replicas) on close.
 * Requests and the API go to the data port ({@link #data}); readiness is read on the admin port
 * ({@link #admin}), the only place the balancer's own health checks answer.
 */
final class LiveBalancer extends RinglbClient {

  /** Where the balancer's admin endpoint listens unless told otherwise ({@code lb.admin.port}'s default). */
  static final int DEFAULT_ADMIN_PORT = 5001;

  private static final Duration STOP_WITHIN = Duration.ofSeconds(90);

  private final Process process;
  private final Path deployed;

  /** @param adminToken for {@code /add} and {@code /rm}, for a balancer locked by {@code lb.admin.token}; null when open */
  private LiveBalancer(URI base, URI admin, Process process, Path deployed, String adminToken) {
    super(base, admin, adminToken, Duration.ofSeconds(180));
    this.process = process;
    this.deployed = deployed;
  }

  /** A balancer someone else runs, its admin endpoint at {@code admin}, or when that is null on {@code base}'s host at port 5001. */
  static LiveBalancer at(URI base, URI admin, String adminToken) {
    URI adminOrDefault = admin != null ? admin : URI.create("http://" + base.getHost() + ":" + DEFAULT_ADMIN_PORT);
    return new LiveBalancer(base, adminOrDefault, null, null, adminToken);
  }

  /**
   * Starts the balancer server of {@code wlp} with {@code war} deployed and {@code properties}
   * as its environment ({@code lb.strategy} becomes {@code LB_STRATEGY}), replicas as local
   * processes unless the properties say otherwise. {@code bin/server} reads the server's
   * {@code jvm.options} and {@code server.env} itself, so the JVM measured is the one users run.
   */
  static LiveBalancer start(Path wlp, Path war, Map<String, String> properties, Path log) {
    try {
      Path dropins = Files.createDirectories(wlp.resolve("usr/servers/lb/dropins"));
      Path deployed = Files.copy(war, dropins.resolve("lb-webapp.war"), StandardCopyOption.REPLACE_EXISTING);
      int port = freePort();
      int adminPort = freePort();
      while (adminPort == port) { // each socket is closed before the next is opened, so the kernel may hand out the same port twice
        adminPort = freePort();
      }
      ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin/server").toAbsolutePath().toString(), "run", "lb")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Map<String, String> env = builder.environment();
      // what would move the server elsewhere or add to its JVM's options is the caller's, not the balancer's
      env.remove("WLP_USER_DIR");
      env.remove("WLP_OUTPUT_DIR");
      env.remove("JVM_ARGS");
      env.remove("LB_ADMIN_TOKEN"); // the API of a balancer started here is open to this command
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("LB_HOST", "127.0.0.1");
      env.put("LB_PORT", Integer.toString(port));
      env.put("LB_ADMIN_HOST", "127.0.0.1");
      env.put("LB_ADMIN_PORT", Integer.toString(adminPort));
      env.put("LB_PROVIDER", "process");
      properties.forEach((name, value) -> env.put(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
      return new LiveBalancer(URI.create("http://127.0.0.1:" + port), URI.create("http://127.0.0.1:" + adminPort), builder.start(), deployed, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the balancer from " + wlp, e);
    }
  }

  /** Where the process provider of the balancer server in {@code wlp} keeps its replicas' state files, unless told otherwise. */
  static Path replicasDir(Path wlp) {
    return wlp.resolve("usr/servers/lb/ringlb-replicas");
  }

  /** The balancer's process, when it was started here: {@code bin/server}, which runs the JVM in its place. */
  Optional<ProcessHandle> process() {
    return Optional.ofNullable(process).map(Process::toHandle);
  }

  /** Waits until {@code n} replicas are in the ring. */
  void awaitInRing(int n, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (inRing().orElse(-1) != n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the balancer at " + admin() + " did not report " + n + " replicas in its ring within " + atMost.toSeconds() + " s");
      }
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the balancer exited with " + process.exitValue() + " before it was ready");
      }
      sleep(100);
    }
    // replicas join seconds after the data plane has bound its port, or found it taken
    if (notListening()) {
      throw new IllegalStateException("the balancer's data plane is not listening on " + data() + ": see its log");
    }
  }

  /** Whether readiness says the data plane is not listening: it could not bind its port. */
  private boolean notListening() {
    return "false".equals(readiness().get("listening"));
  }

  /**
   * Adds replicas with generated names, or removes the newest by name, so S1..S3 stay for the
   * parts that follow; then warms the newcomers and waits for the ring to hold still, so the
   * measurement sees the strategy rather than a cold JVM's first seconds.
   */
  void resize(int n) {
    List<String> names = replicas();
    HttpResponse<String> changed = null;
    if (names.size() < n) {
      changed = add(n - names.size(), List.of(), Map.of());
    } else if (names.size() > n) {
      List<String> newest = names.subList(n, names.size());
      changed = remove(newest.size(), newest);
    }
    if (changed != null && changed.statusCode() != 200) {
      throw new IllegalStateException("the balancer at " + data() + " refused to go to " + n + " replicas: " + changed.statusCode() + " "
          + changed.body() + (changed.statusCode() == 401 ? " (its API is locked: pass --admin-token)" : ""));
    }
    awaitInRing(n, Duration.ofMinutes(4));
    if (names.size() < n) {
      warmUp();
    }
  }

  /** 2,000 requests, one at a time, for the replicas' JIT; then waits until the ring has held still for 2 s. */
  void warmUp() {
    HttpRequest home = HttpRequest.newBuilder(data().resolve("/home")).timeout(Duration.ofSeconds(30)).build();
    for (int i = 0; i < 2_000; i++) {
      http().sendAsync(home, HttpResponse.BodyHandlers.discarding()).join();
    }
    int n = replicas().size();
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < 2_000_000_000L) {
      if (inRing().orElse(-1) != n) {
        awaitInRing(n, Duration.ofMinutes(4));
        stableSince = System.nanoTime();
      }
      sleep(100);
    }
  }

  /**
   * Stops a balancer started here with SIGTERM, on which Liberty stops its applications and the
   * balancer its replicas. {@code bin/server run} hands its process over to the JVM; were the
   * JVM a child of the script instead, SIGTERM would end the script alone, so whatever the
   * server had started and outlives it gets SIGTERM too, and SIGKILL when that is not enough.
   */
  @Override
  public void close() {
    if (process != null) {
      List<ProcessHandle> started = process.descendants().toList();
      stop(process.toHandle());
      started.stream().filter(ProcessHandle::isAlive).forEach(LiveBalancer::stop);
      try {
        Files.deleteIfExists(deployed);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    super.close();
  }

  private static void stop(ProcessHandle process) {
    process.destroy();
    try {
      process.onExit().get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The lowest port {@link #freePort} chooses. */
  private static final int LOWEST_PORT = 10_000;

  /**
   * A loopback port nothing listens on now, from 10000 up to the ports the balancer's replicas
   * take: below the kernel's ephemeral range (32768 and up on Linux), where a port the kernel
   * hands out for {@code bind(0)} or a connection could be taken between this look and the bind,
   * and below the replicas' ({@link ProcessReplicaProvider#LOWEST_REPLICA_PORT} and up), since
   * they start before the balancer binds its own.
   */
  static int freePort() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int tries = 0; tries < 100; tries++) {
      int port = random.nextInt(LOWEST_PORT, ProcessReplicaProvider.LOWEST_REPLICA_PORT);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // another one
      }
    }
    throw new IllegalStateException("no free loopback port from " + LOWEST_PORT + " below " + ProcessReplicaProvider.LOWEST_REPLICA_PORT);
  }
}
