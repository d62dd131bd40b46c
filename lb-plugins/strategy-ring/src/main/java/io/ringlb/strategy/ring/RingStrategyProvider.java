package io.ringlb.strategy.ring;

import io.ringlb.api.HashRing;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;

/**
 * {@code ring}, the default strategy: every replica puts {@code lb.strategy.ring.points} virtual
 * nodes on a 64-bit circle, and a key goes to the first node clockwise from its hash.
 */
public final class RingStrategyProvider implements HashStrategyProvider {

  /**
   * Enough points that three replicas share 10,000 keys within a few percent of the mean
   * (docs/benchmarks.md has the figures), few enough that 1,000 replicas build in milliseconds.
   */
  static final int DEFAULT_POINTS = 1024;

  static final int MAX_POINTS = 1 << 16;

  @Override
  public String name() {
    return "ring";
  }

  @Override
  public HashRing create(PluginConfig config) {
    return VirtualNodeRing.empty(config.integer("points", DEFAULT_POINTS, 1, MAX_POINTS));
  }
}
