package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.random.RandomGenerator;

/** The exercise's key: a random 6-digit request id, 100000 to 999999, drawn per request. */
record RandomIdKey(RandomGenerator random) implements RequestKeyExtractor {

  static final int LOWEST = 100_000;
  static final int HIGHEST = 999_999;

  @Override
  public long keyOf(RequestAttributes request) {
    return random.nextInt(LOWEST, HIGHEST + 1);
  }
}
