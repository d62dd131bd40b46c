package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A ring that reorders another's candidates per request and otherwise is that ring: its
 * replicas, weights, capacity and circle. What bounded loads and slow start have in common; each says how
 * it reorders and how it carries its own state through a change of replicas.
 */
public abstract class RingDecorator implements HashRing {

  /** The ring whose order this one changes. */
  protected final HashRing ring;

  protected RingDecorator(HashRing ring) {
    this.ring = Objects.requireNonNull(ring, "ring");
  }

  /** The ring whose order this one changes. */
  public final HashRing ring() {
    return ring;
  }

  /**
   * Why this ring, at this moment, would pass {@code replica} over for {@code key} where the ring
   * under it would take it; empty when it would not. For a lookup: never on the request path.
   */
  public abstract Optional<String> passesOver(Replica replica, long key);

  /** The strategy's own ring under any decorators: the keys each replica holds before anything reorders them. */
  public static HashRing undecorated(HashRing ring) {
    HashRing inner = ring;
    while (inner instanceof RingDecorator decorator) {
      inner = decorator.ring;
    }
    return inner;
  }

  @Override
  public final Optional<Replica> route(long key) {
    List<Replica> first = candidates(key, 1);
    return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0));
  }

  @Override
  public final ReplicaSet replicas() {
    return ring.replicas();
  }

  @Override
  public final HashRing with(Replica replica) {
    return with(replica, 1);
  }

  @Override
  public final int weight(String name) {
    return ring.weight(name);
  }

  @Override
  public final int capacity() {
    return ring.capacity();
  }

  @Override
  public final Optional<Replica> ownerAt(double turn) {
    return ring.ownerAt(turn);
  }

  @Override
  public final int points(String name) {
    return ring.points(name);
  }
}
