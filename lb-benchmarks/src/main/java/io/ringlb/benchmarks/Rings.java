package io.ringlb.benchmarks;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Rings of every strategy with their defaults, as the balancer would build them. */
final class Rings {

  private static final PluginRegistry<HashStrategyProvider> STRATEGIES = PluginRegistry.load(HashStrategyProvider.class);

  private Rings() {}

  /**
   * The strategy's empty ring. The exercise's 512 slots hold 56 replicas; past that {@code
   * classic} gets 16,384 slots (K = 14, room for 1,170), as an operator would configure it.
   */
  static HashRing empty(String strategy, int replicas) {
    Map<String, String> settings =
        strategy.equals("classic") && replicas > 56 ? Map.of("lb.strategy.classic.slots", "16384") : Map.of();
    return STRATEGIES.select(strategy).create(PluginConfig.of("lb.strategy." + strategy, settings));
  }

  static List<Replica> replicas(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(id -> new Replica("S" + id, id, "127.0.0.1", 8000 + id % 50_000)).toList();
  }
}
