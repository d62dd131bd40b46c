package io.ringlb.benchmarks;

import io.ringlb.api.Replica;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.key.KeyExtractors;
import io.ringlb.core.routing.Router;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole routing decision the balancer makes per request, as the comparison loads it: hash
 * the request's URI ({@code lb.key=uri}) and ask the router for the replica and the two to
 * retry on. URIs cycle through 64 Ki {@code /home?key=<6-digit id>}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmark {

  private static final int MASK = (1 << 16) - 1;

  @Param({"classic", "ring", "maglev", "rendezvous"})
  public String strategy;

  @Param({"3", "100", "1000"})
  public int replicas;

  private final RequestKeyExtractor uri = KeyExtractors.parse("uri");
  private Router router;
  private RequestAttributes[] requests;
  private int next;

  /** A request as the servlet filter presents it; only the URI is read. */
  private record Request(String pathAndQuery) implements RequestAttributes {
    @Override public String path() { return "/home"; }
    @Override public Optional<String> header(String name) { return Optional.empty(); }
    @Override public Optional<String> queryParameter(String name) { return Optional.empty(); }
    @Override public Optional<String> cookie(String name) { return Optional.empty(); }
    @Override public String clientAddress() { return "127.0.0.1"; }
  }

  @Setup
  public void setUp() {
    router = new Router(Rings.empty(strategy, replicas).withAll(Rings.replicas(replicas)), 3);
    requests = new SplittableRandom(42).ints(MASK + 1, 100_000, 1_000_000).mapToObj(id -> new Request("/home?key=" + id))
        .toArray(RequestAttributes[]::new);
  }

  @Benchmark
  public List<Replica> keyAndCandidates() {
    return router.candidates(uri.keyOf(requests[next++ & MASK]));
  }
}
