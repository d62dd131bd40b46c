package io.ringlb.core.routing;

import io.ringlb.api.Replica;
import java.util.ArrayList;
import java.util.List;

/** A ring order with one replica moved to its front, the others keeping their order behind it: how a ring's decorators reorder. */
final class Promoted {

  private Promoted() {}

  /** The first {@code limit} of {@code order} once the replica at {@code chosen} leads it. */
  static List<Replica> first(List<Replica> order, int chosen, int limit) {
    if (chosen == 0) {
      return order.size() <= limit ? order : order.subList(0, limit);
    }
    List<Replica> result = new ArrayList<>(Math.min(limit, order.size()));
    result.add(order.get(chosen));
    for (int i = 0; i < order.size() && result.size() < limit; i++) {
      if (i != chosen) {
        result.add(order.get(i));
      }
    }
    return List.copyOf(result);
  }
}
