package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.core.fleet.FleetEvent;
import io.ringlb.core.time.FakeClock;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole balancer (fleet, data plane, recent events) on a clock the test moves: its heartbeats
 * go out only when the test moves time, and what it dates is dated by that clock.
 */
class FakeClockBalancerTest {

  @Test
  void aWholeBalancerKeepsTheTimeItIsGiven() throws Exception {
    HttpReplicas replicas = new HttpReplicas();
    FakeClock clock = new FakeClock();
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "2", "lb.strategy", "tiny",
        "lb.max-replicas", "4", "lb.heartbeat.interval-ms", "500"), PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
    try (Balancer balancer = Balancer.start(config, replicas, BalancerOptions.defaults().withClock(clock))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> replicas.names().size() == 2);
      long probesBefore = clock.nanoTime();

      // the replicas answer in real time; their heartbeats go out as the test moves the clock
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
        clock.forward(Duration.ofMillis(100));
        return balancer.router().ring().replicas().size() == 2;
      });

      assertThat(clock.nanoTime()).as("heartbeats went out only as the clock moved").isGreaterThan(probesBefore);
      URI base = URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort());
      HttpResponse<String> home = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/home")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(home.statusCode()).isEqualTo(200);
      assertThat(balancer.recentEvents().events()).extracting(FleetEvent::kind).contains("added", "joined");
      assertThat(balancer.recentEvents().events()).as("dated by the balancer's clock, not the system's")
          .allSatisfy(event -> assertThat(event.at()).isBetween(FakeClock.EPOCH, clock.instant()));
    } finally {
      replicas.stopAll();
    }
    assertThat(clock.timers()).as("closing the balancer cancels every timer it set").isZero();
  }
}
