package io.ringlb.strategy.rendezvous;

import io.ringlb.api.HashRing;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;

/**
 * {@code rendezvous}: highest-random-weight hashing. It has no settings: it needs no table and
 * no virtual nodes, and pays for that with a lookup that scores every replica.
 */
public final class RendezvousStrategyProvider implements HashStrategyProvider {

  @Override
  public String name() {
    return "rendezvous";
  }

  @Override
  public HashRing create(PluginConfig config) {
    return RendezvousRing.EMPTY;
  }
}
