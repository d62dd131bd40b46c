package io.ringlb.benchmarks;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
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
 * The routing decision: a request key to its replica, and to the candidates a request may
 * retry on. Keys cycle through 64 Ki random 6-digit ids, so lookups land all over the ring and
 * pay the cache misses a real stream of requests pays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteBenchmark {

  private static final int KEY_MASK = (1 << 16) - 1;

  @Param({"classic", "ring", "maglev", "rendezvous"})
  public String strategy;

  @Param({"3", "100", "1000"})
  public int replicas;

  private HashRing ring;
  private long[] keys;
  private int next;

  @Setup
  public void setUp() {
    ring = Rings.empty(strategy, replicas).withAll(Rings.replicas(replicas));
    keys = new SplittableRandom(42).longs(KEY_MASK + 1, 100_000, 1_000_000).toArray();
  }

  @Benchmark
  public Optional<Replica> route() {
    return ring.route(keys[next++ & KEY_MASK]);
  }

  /** What the balancer asks per request: the first choice and two to retry on. */
  @Benchmark
  public List<Replica> candidates3() {
    return ring.candidates(keys[next++ & KEY_MASK], 3);
  }
}
