package io.ringlb.core.routing;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Holds the current ring and answers, for a request key, the replicas to try in order.
 *
 * <p>Routing reads one volatile reference and never locks; changes build a new immutable ring
 * and swap it in, so a request routes on one consistent snapshot even while replicas come and
 * go. Whoever must act on a change (the data plane, whose requests may wait on a replica that
 * has just left) {@linkplain #watch watches} the rings as they are published.
 */
public final class Router {

  /** Why a replica kept but out of the ring is passed over. */
  static final String OUT_OF_RING = "not in the ring now: down, on its way in after a start or a replacement, or failing its heartbeats";

  private final AtomicReference<HashRing> current;
  private final int attempts;
  private final Loads loads;
  private final List<Consumer<HashRing>> watchers = new CopyOnWriteArrayList<>();

  /**
   * @param ring the ring to start with, usually empty
   * @param attempts how many distinct replicas a request may try, at least 1
   */
  public Router(HashRing ring, int attempts) {
    this(ring, attempts, new Loads());
  }

  /**
   * @param loads where the data plane counts requests in flight per replica: the same the ring
   *     reads when it bounds loads ({@link BoundedLoadRing})
   */
  public Router(HashRing ring, int attempts, Loads loads) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
    }
    this.current = new AtomicReference<>(Objects.requireNonNull(ring, "ring"));
    this.attempts = attempts;
    this.loads = Objects.requireNonNull(loads, "loads");
  }

  /** Requests in flight per replica, as the data plane counts them. */
  public Loads loads() {
    return loads;
  }

  /** The ring requests are routed on now. */
  public HashRing ring() {
    return current.get();
  }

  /** The replicas to try for {@code key}, first choice first; empty when the ring is empty. */
  public List<Replica> candidates(long key) {
    return current.get().candidates(key, attempts);
  }

  /**
   * Where {@code key} goes now and why, read from the ring requests route on now: what the data
   * plane would try, and the replicas the strategy's own order puts first that the ring's
   * decorators pass over. For a lookup; nothing is counted.
   */
  public KeyRoute explain(long key) {
    return explain(key, Map.of());
  }

  /**
   * As {@link #explain(long)}, and of {@code outOfRing}, replicas kept but out of the ring now
   * (down, on their way in) with the weights they would have, those the strategy would put ahead
   * of where the key goes are passed over too: out of the ring.
   */
  public KeyRoute explain(long key, Map<Replica, Integer> outOfRing) {
    HashRing ring = current.get();
    List<Replica> candidates = ring.candidates(key, attempts);
    HashRing strategy = RingDecorator.undecorated(ring);
    HashRing whole = strategy;
    for (Map.Entry<Replica, Integer> out : outOfRing.entrySet()) {
      if (!strategy.replicas().contains(out.getKey().name())) {
        try {
          whole = whole.with(out.getKey(), out.getValue());
        } catch (RuntimeException holdsNoMore) {
          // a strategy at its capacity: the replica could not be in it, so it passes over nothing
        }
      }
    }
    String first = candidates.isEmpty() ? null : candidates.get(0).name();
    List<KeyRoute.PassedOver> passedOver = new ArrayList<>();
    for (Replica ahead : whole.candidates(key, whole.replicas().size())) {
      if (ahead.name().equals(first)) {
        break;
      }
      List<String> reasons = new ArrayList<>();
      if (!strategy.replicas().contains(ahead.name())) {
        reasons.add(OUT_OF_RING);
      } else {
        for (HashRing layer = ring; layer instanceof RingDecorator decorator; layer = decorator.ring()) {
          decorator.passesOver(ahead, key).ifPresent(reasons::add);
        }
      }
      if (!reasons.isEmpty()) { // one the strategy itself ranks differently without the replicas out of the ring is passed over by nothing
        passedOver.add(new KeyRoute.PassedOver(ahead.name(), reasons));
      }
    }
    return new KeyRoute(candidates, passedOver);
  }

  /**
   * Counts an attempt of a request at one of {@code candidates}, from {@code from} on, in the
   * loads: the first, or with bounded loads the first whose bound admits it
   * ({@link BoundedLoadRing#admit}). {@link Loads#end} ends it.
   *
   * @return the index of the replica the attempt goes to
   */
  public int begin(List<Replica> candidates, int from) {
    if (current.get() instanceof BoundedLoadRing bounded) {
      return bounded.admit(candidates, from);
    }
    loads.begin(candidates.get(from));
    return from;
  }

  /**
   * Replaces the ring with {@code change} applied to it, tells the watchers, and returns the new
   * ring. The change may run more than once when updates race, so it must be free of side
   * effects; {@code HashRing}'s own {@code with} and {@code without} are.
   */
  public HashRing update(UnaryOperator<HashRing> change) {
    HashRing published = current.updateAndGet(change);
    watchers.forEach(watcher -> watcher.accept(published));
    return published;
  }

  /**
   * Has {@code watcher} told of every ring published from now on, on the thread that publishes
   * it, in the order they were published when one thread publishes them all (the fleet's loop).
   * It must hand the news on rather than block.
   */
  public void watch(Consumer<HashRing> watcher) {
    watchers.add(watcher);
  }

  /** Stops telling {@code watcher}. */
  public void unwatch(Consumer<HashRing> watcher) {
    watchers.remove(watcher);
  }

  public int attempts() {
    return attempts;
  }
}
