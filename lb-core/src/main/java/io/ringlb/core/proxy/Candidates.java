package io.ringlb.core.proxy;

import io.ringlb.api.Replica;
import io.ringlb.core.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The replicas one request may try, in the ring's order, and how far it has got. Replicas that
 * left the ring since the request was routed are passed over, and a replica that bounded loads
 * choose further down the order moves up to be the one tried. Confined to the event loop of the
 * request's exchange.
 */
final class Candidates {

  private List<Replica> order;
  private int tried;

  Candidates(List<Replica> order) {
    this.order = order;
  }

  /** Whether the ring had no replica at all. */
  boolean none() {
    return order.isEmpty();
  }

  /** Whether some candidate is still to be tried. */
  boolean more() {
    return tried < order.size();
  }

  /** The next replica, not counted in any load: a call to the admin endpoint. */
  Replica next() {
    return order.get(tried++);
  }

  /** The next replica, counted in the router's loads: the next in order, or the first after it that bounded loads admit. */
  Replica nextCounted(Router router) {
    int admitted = router.begin(order, tried);
    if (admitted != tried) {
      List<Replica> reordered = new ArrayList<>(order);
      reordered.add(tried, reordered.remove(admitted));
      order = reordered;
    }
    return order.get(tried++);
  }

  /** Drops the candidates still to try that have left the ring since they were picked: none of them is worth a wait. */
  void skipDeparted(Predicate<Replica> inRing) {
    for (int i = tried; i < order.size(); i++) {
      if (!inRing.test(order.get(i))) {
        List<Replica> staying = new ArrayList<>(order.subList(0, tried));
        for (Replica later : order.subList(tried, order.size())) {
          if (inRing.test(later)) {
            staying.add(later);
          }
        }
        order = staying;
        return;
      }
    }
  }

  /** The names of the replicas tried so far, in order, for a message. */
  String triedNames() {
    List<String> names = new ArrayList<>(tried);
    for (int k = 0; k < tried; k++) {
      names.add(order.get(k).name());
    }
    return String.join(", ", names);
  }

  /** Whether any was tried. */
  boolean started() {
    return tried > 0;
  }
}
