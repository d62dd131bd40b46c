package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lb.access-log} through the embedded balancer: a writer only when it is set, written out when the balancer closes. */
class AccessLogWiringTest {

  private static final String WRITER_THREAD = "ringlb-access-log";

  private static BalancerConfig config(Map<String, String> extra) {
    Map<String, String> properties = new HashMap<>(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "3", "lb.strategy", "tiny",
        "lb.max-replicas", "4", "lb.key", "path"));
    properties.putAll(extra);
    return BalancerConfig.from(properties, PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
  }

  private static boolean writerRuns() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.getName().equals(WRITER_THREAD) && thread.isAlive());
  }

  private static void get(Balancer balancer, HttpClient client, String path, int times) throws Exception {
    URI base = URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort());
    for (int i = 0; i < times; i++) {
      HttpResponse<String> home = client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(home.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void closingTheBalancerWritesEveryLineAndStopsTheWriter(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("access.log");
    HttpReplicas replicas = new HttpReplicas();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      try (Balancer balancer = Balancer.start(config(Map.of("lb.access-log", file.toString())), replicas)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == 3);
        assertThat(writerRuns()).isTrue();

        get(balancer, client, "/home", 25);
      }

      assertThat(writerRuns()).as("closed with the balancer").isFalse();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).hasSize(25).allMatch(line -> line.matches(
          "127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /home HTTP/1\\.1\" 200 \\d+ S[123] \\d+\\.\\d{3}ms"), "a line for /home answered by S1, S2 or S3");
      assertThat(lines.stream().map(line -> line.split(" ")[10]).distinct()).as("lb.key=path: one replica has /home").hasSize(1);
    } finally {
      client.close();
      replicas.stopAll();
    }
  }

  @Test
  void withoutLbAccessLogNoWriterRuns() throws Exception {
    HttpReplicas replicas = new HttpReplicas();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Balancer balancer = Balancer.start(config(Map.of()), replicas)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == 3);

      get(balancer, client, "/home", 5);

      assertThat(writerRuns()).as("no thread, no file: AccessLog.NONE").isFalse();
    } finally {
      client.close();
      replicas.stopAll();
    }
  }
}
