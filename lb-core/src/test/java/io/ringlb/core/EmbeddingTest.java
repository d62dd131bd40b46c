package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine embedded in a plain Java program, no Liberty: it starts its replicas, binds its data
 * plane and routes through it; the program serves the API paths on its own admin endpoint.
 */
class EmbeddingTest {

  @Test
  void aPlainJavaProgramRunsTheBalancerWithItsDataPlane() throws Exception {
    HttpReplicas replicas = new HttpReplicas();
    HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Balancer[] running = new Balancer[1];
    admin.createContext("/rep", exchange -> {
      byte[] body = ("{\"N\":" + running[0].fleet().view().n() + "}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    admin.start();
    BalancerConfig config = BalancerConfig.from(Map.of(
        "lb.port", "0", "lb.admin.port", Integer.toString(admin.getAddress().getPort()), "lb.replicas", "3", "lb.strategy", "tiny", "lb.max-replicas", "4"),
        PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
    try (Balancer balancer = Balancer.start(config, replicas)) {
      running[0] = balancer;
      URI base = URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort());
      HttpClient client = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == 3);

      HttpResponse<String> home = client.send(HttpRequest.newBuilder(base.resolve("/home")).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> rep = client.send(HttpRequest.newBuilder(base.resolve("/rep")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(home.statusCode()).isEqualTo(200);
      assertThat(home.body()).matches("\\{\"message\":\"Hello from Server: S[123]\",\"status\":\"successful\"}");
      assertThat(rep.body()).isEqualTo("{\"N\":3}");
      // the fastest transport the machine allows: io_uring where the kernel lets this process use it
      String best = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
      assertThat(balancer.dataPlane().transport()).isEqualTo(best);
    } finally {
      admin.stop(0);
      replicas.stopAll();
    }
  }

  /**
   * A program may try a failed start again once its settings are mended: the start that failed
   * leaves no thread of its own (the clock's, the heartbeats' HTTP client's) and started nothing.
   */
  @Test
  void aStartThatFailsLeavesNothingOfItsOwnRunning(@TempDir Path directory) {
    HttpReplicas replicas = new HttpReplicas();
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "2", "lb.strategy", "tiny", "lb.max-replicas", "4", "lb.tls.port", "0",
        "lb.tls.certificate", directory.resolve("missing.crt").toString(), "lb.tls.key", directory.resolve("missing.key").toString()),
        PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));

    assertThatThrownBy(() -> Balancer.start(config, replicas)).isInstanceOf(InvalidConfigException.class).hasMessageContaining("lb.tls.certificate");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> !before.contains(thread) && thread.isAlive())
        .extracting(Thread::getName).noneMatch(name -> name.startsWith("ringlb-") || name.startsWith("HttpClient-")));
    assertThat(replicas.names()).as("replicas started").isEmpty();
  }
}
