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
    metrics.joined("S1");
    metrics.answered(s1, 200, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.answered(s1, 204, TimeUnit.MILLISECONDS.toNanos(40));
    metrics.answered(s1, 503, TimeUnit.MILLISECONDS.toNanos(12_000));

    String scrape = registry.scrape();

    assertThat(value(scrape, "ringlb_replica_responses_total{code=\"2xx\",replica=\"S1\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_responses_total{code=\"5xx\",replica=\"S1\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_replica_responses_total{code=\"4xx\",replica=\"S1\"}")).isZero();
    assertThat(value(scrape, "ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"0.0025\"}")).as("finer than Prometheus's defaults").isZero();
    assertThat(value(scrape, "ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"0.005\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"0.05\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"10.0\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_response_seconds_bucket{replica=\"S1\",le=\"+Inf\"}")).isEqualTo(3);
    assertThat(value(scrape, "ringlb_replica_response_seconds_count{replica=\"S1\"}")).isEqualTo(3);
  }

  @Test
  void failuresOfRequestsAndHeartbeatsAreCountedPerReplica() {
    metrics.started("S2");
    metrics.connectFailed(s2);
    metrics.retried(s2);
    metrics.resent(s2);
    metrics.resent(s2);
    metrics.heartbeatFailed("S2", "refused");
    metrics.died("S2", "requests failed", true);
    metrics.died("S2", "heartbeats missed", false);

    String scrape = registry.scrape();

    assertThat(value(scrape, "ringlb_replica_connect_failures_total{replica=\"S2\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_replica_retries_total{replica=\"S2\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_replica_resends_total{replica=\"S2\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_heartbeat_failures_total{replica=\"S2\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_replica_replacements_total{replica=\"S2\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_ejections_total{replica=\"S2\"}")).isEqualTo(1);
  }

  @Test
  void clientConnectionsEndedAreCountedByReason() {
    metrics.clientConnectionFailed("tls_handshake");
    metrics.clientConnectionFailed("http2_enhance_your_calm");
    metrics.clientConnectionFailed("tls_handshake");

    String scrape = registry.scrape();

    assertThat(value(scrape, "ringlb_client_connection_failures_total{reason=\"tls_handshake\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_client_connection_failures_total{reason=\"http2_enhance_your_calm\"}")).isEqualTo(1);
  }

  @Test
  void theDataPlanesOwnAnswersAreCountedByStatus() {
    metrics.answeredItself(503);
    metrics.answeredItself(431);
    metrics.answeredItself(503);

    String scrape = registry.scrape();

    assertThat(value(scrape, "ringlb_balancer_responses_total{code=\"503\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_balancer_responses_total{code=\"431\"}")).isEqualTo(1);
  }

  @Test
  void gaugesReadTheRouterWhenScraped() {
    metrics.joined("S1");
    metrics.joined("S2");
    router.loads().begin(s1);
    router.loads().begin(s1);

    String scrape = registry.scrape();
    assertThat(value(scrape, "ringlb_replica_in_flight{replica=\"S1\"}")).isEqualTo(2);
    assertThat(value(scrape, "ringlb_replica_in_flight{replica=\"S2\"}")).isZero();
    assertThat(value(scrape, "ringlb_replica_up{replica=\"S1\"}")).isEqualTo(1);
    assertThat(value(scrape, "ringlb_ring_key_share{replica=\"S1\"}")).isCloseTo(0.5, within(0.01));
    assertThat(value(scrape, "ringlb_ring_key_share{replica=\"S2\"}")).isCloseTo(0.5, within(0.01));
    assertThat(value(scrape, "ringlb_ring_points{replica=\"S1\"}")).isEqualTo(1);

    router.update(ring -> ring.without("S2"));

    String after = registry.scrape();
    assertThat(value(after, "ringlb_replica_up{replica=\"S2\"}")).isZero();
    assertThat(value(after, "ringlb_ring_key_share{replica=\"S1\"}")).isEqualTo(1);
    assertThat(value(after, "ringlb_ring_key_share{replica=\"S2\"}")).isZero();
    assertThat(value(after, "ringlb_ring_points{replica=\"S2\"}")).isZero();
  }

  /** The value of the sample named {@code series} in a scrape. */
  private static double value(String scrape, String series) {
    return scrape.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError(series + " not in the scrape"));
  }

  @Test
  void aRemovedReplicasMetersGoWithItAndLateEventsDoNotBringThemBack() {
    metrics.joined("S1");
    metrics.joined("S2");
    metrics.answered(s2, 200, 1_000);

    metrics.removed("S2");
    metrics.answered(s2, 200, 1_000); // a request that was still on its way
    metrics.retried(s2);
    metrics.heartbeatFailed("S2", "late");

    assertThat(registry.scrape()).doesNotContain("replica=\"S2\"").contains("replica=\"S1\"");

    metrics.started("S2"); // added again under the same name
    assertThat(value(registry.scrape(), "ringlb_replica_responses_total{code=\"2xx\",replica=\"S2\"}")).isZero();
  }

  @Test
  void nothingIsMadeForAReplicaTheFleetHasNotToldOf() {
    metrics.answered(s1, 200, 1_000);
    metrics.heartbeatFailed("S1", "booting");

    assertThat(registry.scrape()).doesNotContain("ringlb_replica");
  }
}
