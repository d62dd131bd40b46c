package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The balancer under load: every request answered, even while a replica dies. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LoadIT {

  private final BalancerClient lb = new BalancerClient();

  @Deployment(testable = false)
  static WebArchive balancer() {
    return Deployments.balancer();
  }

  @BeforeEach
  void threeReplicasInTheRing() {
    lb.awaitInRing(3);
  }

  @Test
  void tenThousandRequestsAreAllAnswered() throws Exception {
    int total = 10_000;
    Semaphore inFlight = new Semaphore(64);
    Tally tally = new Tally();
    HttpRequest home = HttpRequest.newBuilder(lb.data().resolve("/home")).timeout(Duration.ofSeconds(30)).build();

    long started = System.nanoTime();
    for (int i = 0; i < total; i++) {
      inFlight.acquire();
      lb.http().sendAsync(home, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        tally.record(response, failure);
        inFlight.release();
      });
    }
    await().atMost(Duration.ofSeconds(120)).until(() -> tally.answered.sum() == total);
    double seconds = (System.nanoTime() - started) / 1e9;

    System.out.printf("[load] %d requests, 64 at a time, in %.1f s (%.0f/s): %s%n", total, seconds, total / seconds, tally.perReplica);
    assertThat(tally.failures).isEmpty();
    assertThat(tally.perReplica.keySet()).containsExactlyInAnyOrder("S1", "S2", "S3");
    assertThat(tally.total()).isEqualTo(total);
  }

  @Test
  void aReplicaKilledUnderLoadIsReplacedWithoutAFailedRequest() throws Exception {
    ProcessHandle victim = processOf("S2");
    Tally tally = new Tally();
    LongAdder sent = new LongAdder();
    ScheduledExecutorService load = steadyLoad(tally, sent);
    try {
      Thread.sleep(2_000); // load before the kill
      long killedAt = System.nanoTime();
      assertThat(victim.destroyForcibly()).as("SIGKILL sent").isTrue();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> lb.inRing().orElse(-1) == 2);
      long detected = System.nanoTime();
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> lb.inRing().orElse(-1) == 3);
      long replaced = System.nanoTime();
      tally.perReplica.clear();
      Thread.sleep(2_000); // load after the replacement
      System.out.printf("[failover] S2 killed (SIGKILL) under 200 requests/s: out of the ring after %d ms, replaced and back in it after %d ms%n",
          (detected - killedAt) / 1_000_000, (replaced - killedAt) / 1_000_000);
    } finally {
      load.shutdown();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> tally.answered.sum() == sent.sum());

    System.out.printf("[failover] %d requests sent, %d failed; after the replacement: %s%n", sent.sum(), tally.failures.size(), tally.perReplica);
    assertThat(tally.failures).as("requests a client saw fail").isEmpty();
    assertThat(lb.rep()).isEqualTo("{\"message\":{\"N\":3,\"replicas\":[\"S1\",\"S2\",\"S3\"]},\"status\":\"successful\"}");
    assertThat(tally.perReplica).as("the new S2 serves").containsKey("S2");
    assertThat(victim.isAlive()).isFalse();
  }

  @Test
  void rmUnderLoadDrainsTheReplicaAndFailsNoRequest() throws Exception {
    Tally tally = new Tally();
    LongAdder sent = new LongAdder();
    ScheduledExecutorService load = steadyLoad(tally, sent);
    try {
      Thread.sleep(1_000);
      HttpResponse<String> removed = lb.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S2\"]}");
      assertThat(removed.statusCode()).isEqualTo(200);
      tally.perReplica.clear();
      Thread.sleep(1_000);
      assertThat(tally.perReplica).as("no request reaches a removed replica").doesNotContainKey("S2");
      HttpResponse<String> added = lb.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S2\"]}");
      assertThat(added.statusCode()).isEqualTo(200);
      Thread.sleep(1_000);
    } finally {
      load.shutdown();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> tally.answered.sum() == sent.sum());

    System.out.printf("[drain] /rm and /add of S2 under 200 requests/s: %d requests sent, %d failed%n", sent.sum(), tally.failures.size());
    assertThat(tally.failures).as("requests a client saw fail").isEmpty();
  }

  /** 200 requests a second, one every 5 ms, whatever the answers do, until the executor is shut down. */
  private ScheduledExecutorService steadyLoad(Tally tally, LongAdder sent) {
    HttpRequest home = HttpRequest.newBuilder(lb.data().resolve("/home")).timeout(Duration.ofSeconds(30)).build();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    load.scheduleAtFixedRate(() -> {
      sent.increment();
      lb.http().sendAsync(home, HttpResponse.BodyHandlers.ofString()).whenComplete(tally::record);
    }, 0, 5, TimeUnit.MILLISECONDS);
    return load;
  }

  /** The process the provider's state file names for {@code name}, if it still carries the marker of the file's slot. */
  private static ProcessHandle processOf(String name) throws IOException {
    Properties state = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(System.getProperty("lb.replicas.dir"), name + ".replica"))) {
      state.load(in);
    }
    String marker = "-Dringlb.replica=" + state.getProperty("slot");
    return ProcessHandle.of(Long.parseLong(state.getProperty("pid")))
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
        .orElseThrow(() -> new AssertionError("no process of replica " + name));
  }
}
