package io.ringlb.analysis;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.HashStrategies;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Rings of a scenario, built in process as the balancer builds them, and the keys to route on them. */
final class Rings {

  private static final PluginRegistry<HashStrategyProvider> STRATEGIES = PluginRegistry.load(HashStrategyProvider.class);

  private Rings() {}

  /**
   * A ring of replicas S1..Sn with ids 1..n. Past the 56 replicas the exercise's 512 slots
   * hold, {@code classic} gets 16,384 slots (K = 14), as an operator would configure it.
   */
  static HashRing of(Scenario scenario, int replicas) {
    Map<String, String> properties = new HashMap<>(scenario.properties());
    if ("classic".equals(properties.get("lb.strategy")) && replicas > 56) {
      properties.put("lb.strategy.classic.slots", "16384");
    }
    return HashStrategies.emptyRing(STRATEGIES, properties).withAll(replicas(1, replicas));
  }

  static List<Replica> replicas(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(id -> new Replica("S" + id, id, "127.0.0.1", 8000 + id % 50_000)).toList();
  }

  /** The exercise's request ids: random, 6 digits. */
  static long[] requestIds(int count, long seed) {
    return new SplittableRandom(seed).longs(count, 100_000, 1_000_000).toArray();
  }
}
