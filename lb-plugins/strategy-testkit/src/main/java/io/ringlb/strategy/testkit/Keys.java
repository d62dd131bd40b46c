package io.ringlb.strategy.testkit;

import java.util.SplittableRandom;

/** Request keys for distribution tests: the exercise's random 6-digit ids, from a fixed seed. */
public final class Keys {

  private Keys() {}

  /** {@code count} random ids from 100000 to 999999; the same seed gives the same keys. */
  public static long[] sixDigitIds(int count, long seed) {
    return new SplittableRandom(seed).longs(count, 100_000, 1_000_000).toArray();
  }
}
