package io.ringlb.core.stats;

import io.ringlb.api.HashRing;
import io.ringlb.core.routing.RingDecorator;
import java.util.function.Consumer;

/**
 * Watches the rings a router publishes and works out, for each whose strategy's ring changed
 * (a replica joined or left, a weight changed), what it moved ({@link RingChange}); tells
 * {@code told} of it, and keeps the last for the metrics. Reordering by bounded loads or slow start
 * is no change of ring: what is compared is the strategy's own ring under them, the keys each
 * replica holds once every reordering has passed.
 *
 * <p>Called on the thread that publishes, the fleet's loop, one ring at a time; the work is some
 * 130,000 lookups of a key per change, a few milliseconds, and changes are rare.
 */
public final class RingChanges implements Consumer<HashRing> {

  private final Consumer<RingChange> told;
  private HashRing last;
  private volatile RingChange lastChange = RingChange.NONE;

  /** @param first the ring published before any this one is told of */
  public RingChanges(HashRing first, Consumer<RingChange> told) {
    this.last = RingDecorator.undecorated(first);
    this.told = told;
  }

  @Override
  public void accept(HashRing published) {
    HashRing strategy = RingDecorator.undecorated(published);
    if (strategy == last) {
      return;
    }
    RingChange change = RingChange.between(last, strategy);
    last = strategy;
    lastChange = change;
    told.accept(change);
  }

  /** What the last change of ring moved; {@link RingChange#NONE} before any. */
  public RingChange last() {
    return lastChange;
  }
}
