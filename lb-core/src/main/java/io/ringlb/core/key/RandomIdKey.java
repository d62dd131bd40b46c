package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** The exercise's key: a random 6-digit request id, 100000 to 999999, drawn per request. */
record RandomIdKey(RandomGenerator random) implements RequestKeyExtractor {

  static final int LOWEST = 100_000;
  static final int HIGHEST = 999_999;

  /** Draws on the calling thread's own generator, so concurrent requests never contend. */
  static RandomIdKey threadLocal() {
    return new RandomIdKey(() -> ThreadLocalRandom.current().nextLong());
  }

  @Override
  public long keyOf(RequestAttributes request) {
    return random.nextInt(LOWEST, HIGHEST + 1);
  }

  /** The id itself, for a lookup of the request that drew it; empty for text that is not such an id. */
  @Override
  public OptionalLong keyOfText(String text) {
    try {
      int id = Integer.parseInt(text);
      return id >= LOWEST && id <= HIGHEST ? OptionalLong.of(id) : OptionalLong.empty();
    } catch (NumberFormatException notANumber) {
      return OptionalLong.empty();
    }
  }

  @Override
  public String toString() {
    return "random-id";
  }
}
