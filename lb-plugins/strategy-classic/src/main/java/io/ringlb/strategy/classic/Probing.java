package io.ringlb.strategy.classic;

/** Where a virtual server goes when its slot is taken. */
public enum Probing {

  /** Tries slot + 1², slot + 2², ... as the exercise does. */
  QUADRATIC {
    @Override
    long offset(long attempt) {
      return attempt * attempt;
    }
  },

  /** Tries slot + 1, slot + 2, ... */
  LINEAR {
    @Override
    long offset(long attempt) {
      return attempt;
    }
  };

  /** How far from the original slot the {@code attempt}-th probe looks, attempt >= 1. */
  abstract long offset(long attempt);
}
