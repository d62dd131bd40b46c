package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.proxy.H2Backend;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A whole balancer in front of replicas that speak nothing but HTTP/2 in the clear, and no gRPC:
 * they join the ring by heartbeats over HTTP/2 ({@code lb.forward.protocol=h2c}, the heartbeat's
 * default protocol), and an HTTP/1.1 client's requests reach them as streams.
 */
class H2cBalancerTest {

  /** Replicas as Netty HTTP/2 servers in the test's JVM. */
  private static final class H2cReplicas implements ReplicaLauncher {

    private final Map<String, H2Backend> running = new ConcurrentHashMap<>();

    @Override
    public Replica start(ReplicaSpec spec) {
      try {
        H2Backend server = new H2Backend(Optional.empty());
        running.put(spec.name(), server);
        return new Replica(spec.name(), spec.id(), "127.0.0.1", server.address().getPort());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void stop(Replica replica) {
      H2Backend server = running.remove(replica.name());
      if (server != null) {
        server.close();
      }
    }

    @Override
    public List<Replica> list() {
      return List.of();
    }

    @Override
    public void close() {
      running.values().forEach(H2Backend::close);
    }
  }

  @Test
  void h2cOnlyReplicasJoinByHeartbeatsOverHttp2AndAnswerRequests() throws Exception {
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "2", "lb.strategy", "tiny", "lb.max-replicas", "3",
        "lb.forward.protocol", "h2c"),
        PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
    try (H2cReplicas replicas = new H2cReplicas(); Balancer balancer = Balancer.start(config, replicas);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> balancer.router().ring().replicas().size() == 2);

      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort() + "/orders/7"))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).startsWith("GET /orders/7\n");
    }
  }
}
