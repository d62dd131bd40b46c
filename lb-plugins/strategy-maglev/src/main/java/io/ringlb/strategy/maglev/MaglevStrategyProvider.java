package io.ringlb.strategy.maglev;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import java.math.BigInteger;

/**
 * {@code maglev}: a lookup table of {@code lb.strategy.maglev.table-size} entries (a prime,
 * default 65537 as in the paper and Envoy), filled from each replica's own permutation.
 */
public final class MaglevStrategyProvider implements HashStrategyProvider {

  static final int DEFAULT_TABLE_SIZE = 65_537;

  /** Beyond this a table (an array of references) no longer fits comfortably in cache. */
  static final int MAX_TABLE_SIZE = 5_000_011;

  @Override
  public String name() {
    return "maglev";
  }

  @Override
  public HashRing create(PluginConfig config) {
    int tableSize = config.integer("table-size", DEFAULT_TABLE_SIZE, 2, MAX_TABLE_SIZE);
    if (!BigInteger.valueOf(tableSize).isProbablePrime(64)) {
      throw new InvalidConfigException(config.key("table-size"),
          tableSize + " is not prime (a prime size makes every replica's permutation visit every entry; try 65537)");
    }
    return MaglevRing.empty(tableSize);
  }
}
