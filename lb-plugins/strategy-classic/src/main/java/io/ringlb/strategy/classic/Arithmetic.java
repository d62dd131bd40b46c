package io.ringlb.strategy.classic;

/** The integer operations formulas are made of, total on every 64-bit input (see {@link Formula}). */
final class Arithmetic {

  private Arithmetic() {}

  static long divide(long a, long b) {
    return b == 0 ? 0 : Math.floorDiv(a, b);
  }

  static long remainder(long a, long b) {
    return b == 0 ? a : Math.floorMod(a, b);
  }

  /** {@code base ^ exponent} by squaring, wrapping past 64 bits. */
  static long power(long base, long exponent) {
    if (exponent < 0) {
      if (base == 1) {
        return 1;
      }
      if (base == -1) {
        return (exponent & 1) == 0 ? 1 : -1;
      }
      return 0;
    }
    long result = 1;
    long square = base;
    long remaining = exponent;
    while (remaining != 0) {
      if ((remaining & 1) != 0) {
        result *= square;
      }
      square *= square;
      remaining >>>= 1;
    }
    return result;
  }
}
