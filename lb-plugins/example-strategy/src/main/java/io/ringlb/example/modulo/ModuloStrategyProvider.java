package io.ringlb.example.modulo;

import io.ringlb.api.HashRing;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;

/**
 * {@code modulo}: the naive scheme consistent hashing replaces, key mod N. Adding a replica
 * moves about N/(N+1) of the keys, which makes it a fair baseline in the analysis, and a short
 * example of a strategy plugin: this class, a ring, and one line in {@code META-INF/services}.
 */
public final class ModuloStrategyProvider implements HashStrategyProvider {

  @Override
  public String name() {
    return "modulo";
  }

  @Override
  public HashRing create(PluginConfig config) {
    return ModuloRing.EMPTY;
  }
}
