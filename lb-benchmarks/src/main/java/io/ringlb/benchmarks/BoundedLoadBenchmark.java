package io.ringlb.benchmarks;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.BoundedLoadRing;
import io.ringlb.core.routing.Loads;
import java.util.List;
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
 * What bounded loads ({@code lb.balance-factor}) add to the routing decision: the candidates a
 * request may go to, read against the requests in flight. Every replica holds the same load, the
 * common case, where a key's own replica is under the bound; {@code hot} puts the first two of
 * every key's order over it (as a hot key does to its replicas), so each request looks further.
 * {@code RouteBenchmark.candidates3} is the same decision without the bound.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BoundedLoadBenchmark {

  private static final int KEY_MASK = (1 << 16) - 1;

  @Param({"ring", "maglev"})
  public String strategy;

  @Param({"3", "100", "1000"})
  public int replicas;

  @Param({"false", "true"})
  public boolean hot;

  private HashRing bounded;
  private long[] keys;
  private int next;

  @Setup
  public void setUp() {
    Loads loads = new Loads();
    List<Replica> all = Rings.replicas(replicas);
    for (Replica replica : all) {
      for (int i = 0; i < 10; i++) {
        loads.begin(replica);
      }
    }
    HashRing ring = Rings.empty(strategy, replicas).withAll(all);
    keys = new SplittableRandom(42).longs(KEY_MASK + 1, 100_000, 1_000_000).toArray();
    if (hot) {
      // one key's first two replicas far over the bound, and every key is that key
      List<Replica> first = ring.candidates(keys[0], 2);
      for (Replica replica : first) {
        for (int i = 0; i < 10 * replicas; i++) {
          loads.begin(replica);
        }
      }
      java.util.Arrays.fill(keys, keys[0]);
    }
    bounded = new BoundedLoadRing(ring, loads, 125);
  }

  /** What the balancer asks per request: the first choice and two to retry on. */
  @Benchmark
  public List<Replica> candidates3() {
    return bounded.candidates(keys[next++ & KEY_MASK], 3);
  }
}
