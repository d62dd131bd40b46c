package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.ArrayList;
import java.util.List;

/**
 * A ring drawn as a circle: the arcs each replica owns, read at evenly spaced points of the
 * strategy's circle ({@link HashRing#ownerAt(double)}) and joined where neighbours share an owner.
 * An arc narrower than one step is seen only if a point falls in it: a drawing, as fine as the
 * screen that shows it.
 *
 * @param arcs clockwise from the top, covering the whole circle; empty for a ring without replicas
 */
public record RingArcs(List<Arc> arcs) {

  /**
   * Part of the circle and the replica whose keys fall there.
   *
   * @param replica the owner's name
   * @param from where the arc starts, in turns from 0 to 1
   * @param to where it ends, after {@code from}, at most 1
   */
  public record Arc(String replica, double from, double to) {}

  public RingArcs {
    arcs = List.copyOf(arcs);
  }

  /** The arcs of {@code ring}, read at {@code resolution} points. */
  public static RingArcs of(HashRing ring, int resolution) {
    if (resolution < 1) {
      throw new IllegalArgumentException("resolution must be at least 1, was " + resolution);
    }
    List<Arc> arcs = new ArrayList<>();
    String owner = null;
    int start = 0;
    for (int point = 0; point < resolution; point++) {
      String here = ring.ownerAt((double) point / resolution).map(Replica::name).orElse(null);
      if (here == null) {
        return new RingArcs(List.of());
      }
      if (!here.equals(owner)) {
        if (owner != null) {
          arcs.add(new Arc(owner, (double) start / resolution, (double) point / resolution));
        }
        owner = here;
        start = point;
      }
    }
    arcs.add(new Arc(owner, (double) start / resolution, 1.0));
    return new RingArcs(arcs);
  }
}
