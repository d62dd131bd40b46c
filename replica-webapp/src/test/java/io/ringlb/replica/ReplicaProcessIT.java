package io.ringlb.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real replica processes, started by the real process provider from the server this module
 * builds: the replica's endpoints, and the provider's start, list, adopt and stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaProcessIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final Path WORK_DIR = Path.of(System.getProperty("replica.work.dir"));

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<ReplicaLauncher> launchers = new ArrayList<>();
  private ReplicaLauncher launcher;
  private Replica s1;
  private Replica s2;

  private ReplicaLauncher newLauncher() {
    // no spare: the replicas these tests start run in slots of their own names
    return newLauncher(WORK_DIR, Map.of("lb.provider.process.spares", "0"));
  }

  private ReplicaLauncher newLauncher(Path workDir, Map<String, String> settings) {
    ReplicaProvider provider = PluginRegistry.load(ReplicaProvider.class).select("process");
    Map<String, String> all = new HashMap<>(settings);
    all.put("lb.provider.process.wlp-dir", System.getProperty("replica.wlp.dir"));
    all.put("lb.provider.process.user-dir", System.getProperty("replica.user.dir"));
    all.put("lb.provider.process.work-dir", workDir.toString());
    ReplicaLauncher created = provider.create(PluginConfig.of("lb.provider.process", all));
    launchers.add(created);
    return created;
  }

  @BeforeAll
  void startTwoReplicas() {
    launcher = newLauncher();
    s1 = launcher.start(new ReplicaSpec("S1", 1));
    s2 = launcher.start(new ReplicaSpec("S2", 2));
    long started = System.nanoTime();
    await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> status(s1, "/heartbeat") == 200 && status(s2, "/heartbeat") == 200);
    System.out.printf("[replica] two replica processes answered their first heartbeat %d ms after launch%n", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  void stopAll() {
    for (ReplicaLauncher each : launchers) {
      each.list().forEach(each::stop);
      each.close();
    }
  }

  @Test
  void homeSaysWhichReplicaAnswered() throws Exception {
    HttpResponse<String> home = get(s2, "/home");

    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(home.body()).isEqualTo("{\"message\":\"Hello from Server: S2\",\"status\":\"successful\"}");
  }

  @Test
  void homeAnswersLaterWhenAskedToAndManySlowAnswersOverlap() throws Exception {
    HttpRequest slow = HttpRequest.newBuilder(URI.create("http://" + s1.host() + ":" + s1.port() + "/home?delay-ms=400")).build();
    // HTTP/1.1, a connection per request, as the balancer sends them (not one HTTP/2 connection upgraded to)
    HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, 20)
        .mapToObj(i -> http1.sendAsync(slow, HttpResponse.BodyHandlers.ofString())).toList();

    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get(30, TimeUnit.SECONDS).body()).isEqualTo("{\"message\":\"Hello from Server: S1\",\"status\":\"successful\"}");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).as("no answer comes before its delay").isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(took).as("the delays overlap rather than queue one after another (20 x 400 ms)").isLessThan(Duration.ofMillis(4_000));
  }

  @Test
  void aBadDelayIsA400() throws Exception {
    for (String bad : List.of("-1", "x", "60001")) {
      HttpResponse<String> home = get(s1, "/home?delay-ms=" + bad);
      assertThat(home.statusCode()).as(bad).isEqualTo(400);
      assertThat(home.body()).as(bad).contains("delay-ms").contains("\"status\":\"failure\"");
    }
  }

  @Test
  void heartbeatIsAnEmpty200() throws Exception {
    HttpResponse<String> heartbeat = get(s1, "/heartbeat");

    assertThat(heartbeat.statusCode()).isEqualTo(200);
    assertThat(heartbeat.body()).isEmpty();
  }

  @Test
  void anythingElseIs404() throws Exception {
    assertThat(get(s1, "/nope").statusCode()).isEqualTo(404);
    assertThat(get(s1, "/home/more").statusCode()).isEqualTo(404);
    assertThat(get(s1, "/").statusCode()).isEqualTo(404);
  }

  @Test
  void reportsItsHealth() throws Exception {
    assertThat(get(s1, "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(s1, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"id\":\"S1\"");
  }

  @Test
  void heartbeatAnswersFromReadiness() throws Exception {
    // where the replica's readiness looks: its server's output directory
    Path unready = WORK_DIR.resolve("S2").resolve("replica").resolve("unready");
    Files.createFile(unready);
    try {
      assertThat(get(s2, "/heartbeat").statusCode()).isEqualTo(503);
      assertThat(get(s2, "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(s2, "/home").statusCode()).as("it still serves what it is asked").isEqualTo(200);
    } finally {
      Files.delete(unready);
    }
    assertThat(get(s2, "/heartbeat").statusCode()).isEqualTo(200);
  }

  @Test
  void aLauncherStartedLaterAdoptsTheRunningReplicasAndCanStopThem() {
    ReplicaLauncher restarted = newLauncher();

    assertThat(restarted.list()).containsExactlyInAnyOrder(s1, s2);

    Replica s3 = launcher.start(new ReplicaSpec("S3", 3));
    await().atMost(START).until(() -> status(s3, "/heartbeat") == 200);
    launcher.stop(s3);
    assertThat(status(s3, "/heartbeat")).isEqualTo(-1);
    assertThat(launcher.list()).doesNotContain(s3);
  }

  @Test
  void aStoppedProcessIsToldAndEndedAtOnceByKillWhereAGracefulStopWouldWaitOutItsGrace() throws Exception {
    Replica s5 = launcher.start(new ReplicaSpec("S5", 5));
    await().atMost(START).until(() -> status(s5, "/heartbeat") == 200);
    Properties state = new Properties();
    try (var in = Files.newBufferedReader(WORK_DIR.resolve("S5.replica"))) {
      state.load(in);
    }
    ProcessHandle process = ProcessHandle.of(Long.parseLong(state.getProperty("pid"))).orElseThrow();
    assertThat(launcher.stopped(s5)).as("running").isFalse();
    try {
      assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor()).isZero(); // hung: SIGTERM waits for a SIGCONT
      // kill(1) returns once the signal is queued; the kernel stops the process when it next runs
      await("the provider sees it stopped").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> launcher.stopped(s5));
    } catch (AssertionError | RuntimeException failed) {
      process.destroyForcibly(); // the other tests count the replicas running
      throw failed;
    }

    long started = System.nanoTime();
    launcher.kill(s5);

    assertThat(process.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a graceful stop's SIGTERM would wait out its 10 s").isLessThan(Duration.ofSeconds(5));
    assertThat(launcher.list()).doesNotContain(s5);
  }

  @Test
  void aStartNamesASpareStartedAheadAndAnotherSpareIsStarted() throws Exception {
    Path workDir = Path.of(WORK_DIR + "-spares");
    ReplicaLauncher spared = newLauncher(workDir, Map.of("lb.provider.process.aot-cache", "false"));
    Properties spare = awaitSpare(workDir, null);
    Replica unnamed = new Replica("spare", 0, "127.0.0.1", Integer.parseInt(spare.getProperty("port")));
    assertThat(status(unnamed, "/heartbeat")).as("a spare is not ready before it has a name").isEqualTo(503);
    HttpResponse<String> home = get(unnamed, "/home");
    assertThat(home.statusCode()).isEqualTo(503);
    assertThat(home.body()).isEqualTo("{\"message\":\"<Error> This replica is a spare and has no name yet\",\"status\":\"failure\"}");

    Replica s4 = spared.start(new ReplicaSpec("S4", 4));

    assertThat(s4.port()).as("S4 is the spare, named").isEqualTo(unnamed.port());
    await().atMost(Duration.ofSeconds(10)).until(() -> status(s4, "/heartbeat") == 200);
    assertThat(get(s4, "/home").body()).isEqualTo("{\"message\":\"Hello from Server: S4\",\"status\":\"successful\"}");
    Properties next = awaitSpare(workDir, spare);
    assertThat(next.getProperty("slot")).as("the next spare runs in a slot of its own").isNotEqualTo(spare.getProperty("slot"));

    ReplicaLauncher restarted = newLauncher(workDir, Map.of("lb.provider.process.aot-cache", "false"));
    assertThat(restarted.list()).as("a restarted launcher adopts the named spare as S4").containsExactly(s4);
    assertThat(spareStates(workDir)).as("and takes the spare over rather than start another").containsExactly(next);

    spared.stop(s4);
    assertThat(spared.list()).isEmpty();
  }

  /** Waits for a spare other than {@code other} to run and answer; its state file. */
  private Properties awaitSpare(Path workDir, Properties other) {
    Properties[] found = new Properties[1];
    await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<Properties> spares = spareStates(workDir);
      spares.remove(other);
      if (spares.size() != 1) {
        return false;
      }
      found[0] = spares.get(0);
      return status(new Replica("spare", 0, "127.0.0.1", Integer.parseInt(found[0].getProperty("port"))), "/health/live") == 200;
    });
    return found[0];
  }

  private static List<Properties> spareStates(Path workDir) throws IOException {
    List<Properties> states = new ArrayList<>();
    try (Stream<Path> files = Files.list(workDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".spare")).toList()) {
        Properties state = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
          state.load(in);
        }
        states.add(state);
      }
    }
    return states;
  }

  /**
   * A port another process still holds as the replica starts (one that has not quite let it go):
   * the replica listens once it is free, as its server.xml asks ({@code portOpenRetries}), where
   * Liberty would otherwise run on without listening until the balancer's start timeout.
   */
  @Test
  void aReplicaWhosePortIsStillHeldAsItStartsListensOnceThePortIsLetGo() throws Exception {
    Path output = Files.createDirectories(WORK_DIR.resolve("held-port"));
    Path messages = output.resolve("replica/logs/messages.log");
    Files.deleteIfExists(messages);
    ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Replica held = new Replica("HELD", 9, "127.0.0.1", holder.getLocalPort());
    ProcessBuilder server = new ProcessBuilder(Path.of(System.getProperty("replica.wlp.dir"), "bin", "server").toString(), "run", "replica")
        .redirectErrorStream(true).redirectOutput(output.resolve("console.log").toFile());
    server.environment().put("JAVA_HOME", System.getProperty("java.home"));
    server.environment().put("WLP_USER_DIR", System.getProperty("replica.user.dir"));
    server.environment().put("WLP_OUTPUT_DIR", output.toString());
    server.environment().put("HTTP_PORT", Integer.toString(held.port()));
    server.environment().put("HTTP_HOST", held.host());
    server.environment().put("SERVER_ID", held.name());
    Process replica = server.start();
    try {
      try (holder) {
        // its application is up and its endpoint's bind refused: Liberty waits for the endpoint before it calls itself started
        await("the replica's application started").atMost(START).pollInterval(Duration.ofMillis(200))
            .until(() -> Files.exists(messages) && Files.readString(messages).contains("CWWKZ0001I"));
        assertThat(Files.readString(messages)).as("not started while its port is held").doesNotContain("CWWKF0011I");
      }
      await("the replica listening on the port let go").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> status(held, "/heartbeat") == 200);
      assertThat(Files.readString(messages)).as("no endpoint given up on").doesNotContain("CWWKO0221E");
    } finally {
      replica.toHandle().descendants().forEach(ProcessHandle::destroy);
      replica.destroy();
      if (!replica.waitFor(30, TimeUnit.SECONDS)) {
        replica.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        replica.destroyForcibly();
      }
    }
  }

  private HttpResponse<String> get(Replica replica, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://" + replica.host() + ":" + replica.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a GET, or -1 when nothing answers. */
  private int status(Replica replica, String path) {
    try {
      return get(replica, path).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
