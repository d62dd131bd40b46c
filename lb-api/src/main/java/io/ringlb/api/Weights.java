package io.ringlb.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The weights of a ring's replicas, by name, for strategies that weigh them: immutable, and
 * holding only weights other than 1, so an unweighted ring carries an empty map.
 */
public final class Weights {

  private static final Weights NONE = new Weights(Map.of());

  private final Map<String, Integer> byName;

  private Weights(Map<String, Integer> byName) {
    this.byName = byName;
  }

  /** Every replica weighs 1. */
  public static Weights none() {
    return NONE;
  }

  /** The weight of the named replica: 1 unless set. */
  public int of(String name) {
    return byName.getOrDefault(name, 1);
  }

  /** Whether any replica weighs other than 1. */
  public boolean any() {
    return !byName.isEmpty();
  }

  /**
   * These weights with {@code name} weighing {@code weight}.
   *
   * @throws IllegalArgumentException if {@code weight} is below 1
   */
  public Weights with(String name, int weight) {
    if (weight < 1) {
      throw new IllegalArgumentException("replica " + name + ": a weight is at least 1, was " + weight);
    }
    Map<String, Integer> next = new HashMap<>(byName);
    if (weight == 1) {
      next.remove(name);
    } else {
      next.put(name, weight);
    }
    return next.isEmpty() ? NONE : new Weights(Map.copyOf(next));
  }

  /** These weights without the named replica's. */
  public Weights without(String name) {
    return byName.containsKey(name) ? with(name, 1) : this;
  }

  @Override
  public String toString() {
    return byName.toString();
  }
}
