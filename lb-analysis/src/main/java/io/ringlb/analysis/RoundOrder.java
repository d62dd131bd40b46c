package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The order contenders are measured in, round by round: a Williams design. Each round starts
 * with another contender, and over n rounds (2n for an odd n) each contender is measured right
 * after each other one equally often, so none always inherits the same neighbour's aftermath
 * (its garbage, its half-compiled code, replicas it left busy).
 */
final class RoundOrder {

  private RoundOrder() {}

  /** The indexes of {@code contenders} contenders in the order round {@code round} (from 1) measures them. */
  static List<Integer> of(int contenders, int round) {
    if (contenders < 1 || round < 1) {
      throw new IllegalArgumentException("needs a contender and a round from 1, got " + contenders + " contenders, round " + round);
    }
    int row = (round - 1) % contenders;
    List<Integer> order = new ArrayList<>();
    // 0, 1, n-1, 2, n-2, ...: the differences between neighbours are all different, so shifting the row pairs everyone
    for (int i = 0; i < contenders; i++) {
      int step = i % 2 == 1 ? (i + 1) / 2 : contenders - i / 2;
      order.add((step % contenders + row) % contenders);
    }
    boolean mirrored = contenders % 2 == 1 && ((round - 1) / contenders) % 2 == 1;
    return mirrored ? order.reversed() : List.copyOf(order);
  }
}
