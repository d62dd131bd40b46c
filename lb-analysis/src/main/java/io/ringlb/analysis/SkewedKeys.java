package io.ringlb.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Request keys as real traffic has them: one hot key that a fixed share of requests ask for, and
 * the rest Zipf-distributed over many keys (a few popular, a long tail), drawn from a seeded
 * generator so a run can be repeated.
 */
final class SkewedKeys {

  /** The hot key: outside the Zipf keys' range, so it is one key of its own. */
  static final long HOT = 0;

  private final double hotShare;
  private final double[] cumulative;
  private final SplittableRandom random;

  /**
   * @param hotShare the share of requests for the hot key
   * @param keys how many other keys, 1..keys, Zipf-distributed
   * @param exponent the Zipf exponent: 1 is the classic 1/rank
   */
  SkewedKeys(double hotShare, int keys, double exponent, long seed) {
    this.hotShare = hotShare;
    this.cumulative = new double[keys];
    double sum = 0;
    for (int rank = 1; rank <= keys; rank++) {
      sum += 1 / Math.pow(rank, exponent);
      cumulative[rank - 1] = sum;
    }
    for (int k = 0; k < keys; k++) {
      cumulative[k] /= sum;
    }
    this.random = new SplittableRandom(seed);
  }

  /** The next request's key. */
  long next() {
    if (random.nextDouble() < hotShare) {
      return HOT;
    }
    int at = Arrays.binarySearch(cumulative, random.nextDouble());
    return (at >= 0 ? at : -at - 1) + 1L;
  }

  /** {@code count} keys in a row. */
  long[] next(int count) {
    long[] keys = new long[count];
    for (int k = 0; k < count; k++) {
      keys[k] = next();
    }
    return keys;
  }
}
