package io.ringlb.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringlb.api.Replica;
import io.ringlb.core.metrics.BalancerMetrics;
import io.ringlb.core.routing.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the data plane pays per request for its meters: one answer recorded (status class counter
 * and histogram) in the Prometheus registry the balancer runs with, on two threads at once as two
 * event loops would, over three replicas.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

  private BalancerMetrics metrics;
  private List<Replica> replicas;

  @State(Scope.Thread)
  public static class Next {
    int request;
  }

  @Setup
  public void setUp() {
    Router router = new Router(Rings.empty("ring", 3).withAll(Rings.replicas(3)), 3);
    replicas = router.ring().replicas().asList();
    metrics = new BalancerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), router);
    replicas.forEach(replica -> metrics.joined(replica.name())); // as the fleet tells it: no meters, nothing recorded
  }

  @Benchmark
  @Threads(2)
  public void answered(Next next) {
    int request = next.request++;
    metrics.answered(replicas.get(request % 3), 200, 1_000_000L + (request & 0xFFFF) * 1_000L);
  }
}
