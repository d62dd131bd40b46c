package io.ringlb.example.modulo;

import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.strategy.testkit.HashRingContract;

/** The whole test a plugin author needs to start with: the shared contract, for this strategy. */
class ModuloStrategyTest implements HashRingContract {

  @Override
  public HashStrategyProvider provider() {
    return new ModuloStrategyProvider();
  }
}
