package io.ringlb.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BalancerMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Router router = new Router(ModuloRing.of("S1", "S2"), 3);
  private final BalancerMetrics metrics = new BalancerMetrics(registry, router);
  private final Replica s1 = router.ring().replicas().get(0);
  private final Replica s2 = router.ring().replicas().get(1);

  @Test
  void answersAreCountedByStatusClassAndTimedInPrometheusBuckets() {
    metrics.answered(s1, 200, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.answered(s1, 204, TimeUnit.MILLISECONDS.toNanos(40));
    metrics.answered(s1, 503, TimeUnit.MILLISECONDS.toNanos(12_000));

    String scrape = registry.scrape();

    assertThat(scrape).contains("ringlb_replica_responses_total{code=\"2xx\",replica=\"S1\"} 2")
        .contains("ringlb_replica_responses_total{code=\"5xx\",replica=\"S1\"} 1")
        .contains("ringlb_replica_responses_total{code=\"4xx\",replica=\"S1\"} 0")
        .contains("ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"0.005\"} 1")
        .contains("ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"0.05\"} 2")
        .contains("ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"10.0\"} 2")
        .contains("ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"+Inf\"} 3")
        .contains("ringlb_replica_response_seconds_count{replica=\"S1\"} 3");
  }

  @Test
  void failuresOfRequestsAndHeartbeatsAreCountedPerReplica() {
    metrics.connectFailed(s2);
    metrics.retried(s2);
    metrics.heartbeatFailed("S2", "refused");
    metrics.died("S2", "requests failed", true);
    metrics.died("S2", "heartbeats missed", false);

    String scrape = registry.scrape();

    assertThat(scrape).contains("ringlb_replica_connect_failures_total{replica=\"S2\"} 1")
        .contains("ringlb_replica_retries_total{replica=\"S2\"} 1")
        .contains("ringlb_replica_heartbeat_failures_total{replica=\"S2\"} 1")
        .contains("ringlb_replica_replacements_total{replica=\"S2\"} 2")
        .contains("ringlb_replica_ejections_total{replica=\"S2\"} 1");
  }

  @Test
  void gaugesReadTheRouterWhenScraped() {
    metrics.joined("S1");
    metrics.joined("S2");
    router.loads().begin(s1);
    router.loads().begin(s1);

    String scrape = registry.scrape();
    assertThat(scrape).contains("ringlb_replica_in_flight{replica=\"S1\"} 2")
        .contains("ringlb_replica_in_flight{replica=\"S2\"} 0")
        .contains("ringlb_replica_up{replica=\"S1\"} 1");
    assertThat(value(scrape, "ringlb_ring_key_share{replica=\"S1\"}")).isCloseTo(0.5, within(0.01));
    assertThat(value(scrape, "ringlb_ring_key_share{replica=\"S2\"}")).isCloseTo(0.5, within(0.01));

    router.update(ring -> ring.without("S2"));

    assertThat(registry.scrape()).contains("ringlb_replica_up{replica=\"S2\"} 0")
        .contains("ringlb_ring_key_share{replica=\"S1\"} 1")
        .contains("ringlb_ring_key_share{replica=\"S2\"} 0");
  }

  /** The value of the sample named {@code series} in a scrape. */
  private static double value(String scrape, String series) {
    return scrape.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError(series + " not in the scrape"));
  }

  @Test
  void aRemovedReplicasMetersGoWithIt() {
    metrics.answered(s2, 200, 1_000);
    metrics.joined("S1");

    metrics.removed("S2");

    assertThat(registry.scrape()).doesNotContain("replica=\"S2\"").contains("replica=\"S1\"");
  }
}
