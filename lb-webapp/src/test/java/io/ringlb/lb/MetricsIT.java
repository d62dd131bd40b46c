package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /metrics} on the admin port, scraped as Prometheus does and parsed, before and after a
 * known load through the data port of a real balancer with real replicas.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MetricsIT {

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
  void aKnownLoadShowsInTheScrapedCountersAndHistograms() {
    Map<String, Double> before = scrape();
    int requests = 300;
    for (int i = 0; i < requests; i++) {
      assertThat(lb.get("/home").statusCode()).isEqualTo(200);
    }
    assertThat(lb.get("/nothing-here").statusCode()).as("a replica's 404, the exercise's 400 to the client").isEqualTo(400);

    Map<String, Double> after = scrape();

    assertThat(sum(after, "ringlb_replica_responses_total{code=\"2xx\"") - sum(before, "ringlb_replica_responses_total{code=\"2xx\""))
        .isEqualTo(requests);
    assertThat(sum(after, "ringlb_replica_responses_total{code=\"4xx\"") - sum(before, "ringlb_replica_responses_total{code=\"4xx\""))
        .isEqualTo(1);
    assertThat(sum(after, "ringlb_replica_response_seconds_count{") - sum(before, "ringlb_replica_response_seconds_count{"))
        .isEqualTo(requests + 1);
    for (String replica : List.of("S1", "S2", "S3")) {
      assertThat(after).as(replica).containsEntry("ringlb_replica_up{replica=\"" + replica + "\"}", 1.0)
          .containsEntry("ringlb_replica_in_flight{replica=\"" + replica + "\"}", 0.0);
      assertThat(after.get("ringlb_replica_responses_total{code=\"2xx\",replica=\"" + replica + "\"}"))
          .as("random keys reach every replica").isPositive();
      assertThat(after.get("ringlb_ring_key_share{replica=\"" + replica + "\"}")).as(replica).isBetween(0.2, 0.5);
    }
    assertThat(sum(after, "ringlb_ring_key_share{")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(after.get("ringlb_ring_keys_moved_ratio")).as("what the last change of ring moved: a replica joining or leaving moves some keys")
        .isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
    assertThat(after).as("the JVM's own meters too").containsKey("jvm_threads_live_threads");
  }

  @Test
  void metricsAreTheAdminPortsOnlyTheDataPortPassesThePathToAReplica() {
    HttpResponse<String> admin = lb.send(lb.admin(), "GET", "/metrics", null, null);
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
    assertThat(admin.body()).contains("# TYPE ringlb_replica_response_seconds histogram");

    assertThat(lb.get("/metrics").body()).isEqualTo("{\"message\":\"<Error> '/metrics' endpoint does not exist in server replicas\",\"status\":\"failure\"}");
  }

  /** Every sample of a scrape of the admin port's {@code /metrics}, by series (name and labels). */
  private Map<String, Double> scrape() {
    HttpResponse<String> metrics = lb.send(lb.admin(), "GET", "/metrics", null, null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new TreeMap<>();
    metrics.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    });
    return samples;
  }

  private static double sum(Map<String, Double> samples, String prefix) {
    return samples.entrySet().stream().filter(sample -> sample.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
  }
}
