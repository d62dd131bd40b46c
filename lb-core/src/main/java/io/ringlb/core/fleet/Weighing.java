package io.ringlb.core.fleet;

import java.util.List;

/**
 * Whether the hash strategy in use weighs replicas, and which strategies on offer do: a request
 * that gives weights to a strategy that weighs none is told which to choose instead.
 *
 * @param weighs whether the strategy in use gives a replica of weight 2 twice the keys of one of weight 1
 * @param strategies the names of the strategies on offer that weigh replicas, sorted
 */
public record Weighing(boolean weighs, List<String> strategies) {

  public Weighing {
    strategies = List.copyOf(strategies);
  }

  /** The strategy in use weighs replicas; no other needs naming. */
  public static final Weighing WEIGHS = new Weighing(true, List.of());

  /**
   * @throws FleetException {@code INVALID_REQUEST} when the strategy weighs no replica, naming
   *     those that do
   */
  public void check() {
    if (weighs) {
      return;
    }
    if (strategies.isEmpty()) {
      throw FleetException.invalid("The hash strategy weighs no replica, and no strategy on offer does");
    }
    String named = strategies.size() == 1 ? strategies.get(0)
        : String.join(", ", strategies.subList(0, strategies.size() - 1)) + " or " + strategies.get(strategies.size() - 1);
    throw FleetException.invalid("The hash strategy weighs no replica: weights need lb.strategy " + named);
  }
}
