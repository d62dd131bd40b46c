package io.ringlb.benchmarks;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.List;
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
 * Building a ring: all replicas at once, as a balancer does at start, and one more replica
 * added to a full ring, as {@code /add} and every respawn do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BuildBenchmark {

  @Param({"classic", "ring", "maglev", "rendezvous"})
  public String strategy;

  @Param({"3", "100", "1000"})
  public int replicas;

  private List<Replica> all;
  private HashRing allButOne;
  private Replica last;

  @Setup
  public void setUp() {
    all = Rings.replicas(replicas);
    last = all.get(all.size() - 1);
    allButOne = Rings.empty(strategy, replicas).withAll(all.subList(0, all.size() - 1));
  }

  @Benchmark
  public HashRing buildAll() {
    return Rings.empty(strategy, replicas).withAll(all);
  }

  @Benchmark
  public HashRing addOne() {
    return allButOne.with(last);
  }
}
