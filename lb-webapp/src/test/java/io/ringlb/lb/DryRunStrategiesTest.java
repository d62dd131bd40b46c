package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.Balancer;
import io.ringlb.core.BalancerConfig;
import io.ringlb.core.fleet.ChangePlan;
import io.ringlb.core.routing.RingDecorator;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For each strategy the balancer ships, a dry run of {@code /add} and of {@code /rm} says what
 * the change made right after it moves: measured on 100,000 keys of the test's own, within a
 * point. The replicas are HTTP servers in the test's JVM that answer their heartbeats.
 */
class DryRunStrategiesTest {

  /** Replicas that answer {@code /heartbeat} and nothing else: all a fleet needs of them here. */
  private static final class HeartbeatReplicas implements ReplicaLauncher {

    private final Map<String, HttpServer> running = new ConcurrentHashMap<>();

    @Override
    public Replica start(ReplicaSpec spec) {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
        server.start();
        running.put(spec.name(), server);
        return new Replica(spec.name(), spec.id(), "127.0.0.1", server.getAddress().getPort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop(Replica replica) {
      HttpServer server = running.remove(replica.name());
      if (server != null) {
        server.stop(0);
      }
    }

    @Override
    public List<Replica> list() {
      return List.of();
    }

    @Override
    public void close() {
      running.values().forEach(server -> server.stop(0));
    }
  }

  /** The share of 100,000 keys of the test's own that change replica from {@code before} to {@code after}. */
  private static double moved(HashRing before, HashRing after) {
    return KeyMovement.between(before, after, new SplittableRandom(25).longs(100_000).toArray()).movedFraction();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "classic", "maglev", "rendezvous"})
  void theChangeMadeAfterADryRunMovesWhatItSaid(String strategy) throws Exception {
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "3", "lb.strategy", strategy,
        "lb.heartbeat.interval-ms", "100"), PluginRegistry.load(HashStrategyProvider.class, DryRunStrategiesTest.class.getClassLoader()));
    try (HeartbeatReplicas replicas = new HeartbeatReplicas(); Balancer balancer = Balancer.start(config, replicas)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> balancer.router().ring().replicas().size() == 3);
      HashRing three = RingDecorator.undecorated(balancer.router().ring());

      ChangePlan add = balancer.fleet().planAdd(1, List.of(), Map.of()).get(10, TimeUnit.SECONDS);
      balancer.fleet().add(1, List.of()).get(20, TimeUnit.SECONDS);
      HashRing four = RingDecorator.undecorated(balancer.router().ring());

      assertThat(add.joining()).containsExactly("S4");
      assertThat(moved(three, four)).as("%s: what the add moved", strategy).isCloseTo(add.change().moved(), within(0.01));

      ChangePlan remove = balancer.fleet().planRemove(1, List.of("S1")).get(10, TimeUnit.SECONDS);
      balancer.fleet().remove(1, List.of("S1")).get(20, TimeUnit.SECONDS);

      assertThat(moved(four, RingDecorator.undecorated(balancer.router().ring()))).as("%s: what the removal moved", strategy)
          .isCloseTo(remove.change().moved(), within(0.01));
    }
  }
}
