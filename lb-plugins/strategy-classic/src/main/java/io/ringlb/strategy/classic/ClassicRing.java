package io.ringlb.strategy.classic;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.spi.DistinctReplicas;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The exercise's consistent hash map: an array of M slots in which each replica holds K
 * virtual servers at {@code Phi(id, j)}, probing past taken slots; a request goes to the first
 * virtual server clockwise from {@code H(key)}.
 *
 * <p>Like the exercise's map, this one remembers history: a replica added later probes around
 * the slots earlier ones hold, and nobody else moves. That is what keeps keys from moving
 * between replicas that stay; the price is that two rings holding the same replicas may differ
 * if the replicas arrived in another order.
 */
final class ClassicRing implements HashRing {

  private static final int FREE = -1;

  private final ClassicSettings settings;
  private final ReplicaSet replicas;
  /** For each slot, the index in {@link #replicas} of the virtual server there, or FREE. */
  private final int[] owners;
  /** For each slot, the first slot at or clockwise after it that holds a virtual server. */
  private final int[] nextTaken;
  /** {@link #replicas} as an array, for the routing loop. */
  private final Replica[] byIndex;

  private ClassicRing(ClassicSettings settings, ReplicaSet replicas, int[] owners) {
    this.settings = settings;
    this.replicas = replicas;
    this.owners = owners;
    this.nextTaken = nextTaken(owners);
    this.byIndex = replicas.toArray();
  }

  static ClassicRing empty(ClassicSettings settings) {
    int[] owners = new int[settings.slots()];
    Arrays.fill(owners, FREE);
    return new ClassicRing(settings, ReplicaSet.empty(), owners);
  }

  @Override
  public Optional<Replica> route(long key) {
    if (byIndex.length == 0) {
      return Optional.empty();
    }
    return Optional.of(byIndex[owners[nextTaken[requestSlot(key)]]]);
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    DistinctReplicas found = new DistinctReplicas(Math.min(limit, byIndex.length));
    if (found.isFull()) {
      return List.of();
    }
    int slot = nextTaken[requestSlot(key)];
    for (int step = 0; step < owners.length && !found.offer(byIndex[owners[slot]]); step++) {
      slot = nextTaken[slot + 1 == owners.length ? 0 : slot + 1];
    }
    return found.toList();
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  /**
   * Places the new replica's virtual servers into free slots; those of the replicas already
   * here stay where they are.
   */
  @Override
  public HashRing with(Replica replica) {
    return withAll(List.of(replica));
  }

  /** The exercise's map gives every replica its K virtual servers: there is no weight to honour but 1. */
  @Override
  public HashRing with(Replica replica, int weight) {
    if (weight != 1) {
      throw new UnsupportedOperationException(
          "the classic strategy gives every replica the exercise's K slots and weighs none; weights need lb.strategy ring, maglev or rendezvous");
    }
    return with(replica);
  }

  /**
   * Places the newcomers one after another in the order given, exactly as adding them one at a
   * time would, but copies the slots and rebuilds the lookup table once.
   */
  @Override
  public HashRing withAll(Collection<? extends Replica> newcomers) {
    ReplicaSet next = replicas.withAll(newcomers);
    if (next.size() > settings.capacity()) {
      throw new IllegalStateException("the classic ring is full: " + settings.slots() + " slots hold "
          + settings.capacity() + " replicas of " + settings.virtualServers() + " virtual servers");
    }
    // the name order of the grown set shifts the indexes of those already here
    int[] renumbered = new int[byIndex.length];
    for (int old = 0; old < byIndex.length; old++) {
      renumbered[old] = next.indexOf(byIndex[old].name());
    }
    int[] placed = new int[owners.length];
    for (int slot = 0; slot < owners.length; slot++) {
      placed[slot] = owners[slot] == FREE ? FREE : renumbered[owners[slot]];
    }
    for (Replica replica : newcomers) {
      int index = next.indexOf(replica.name());
      for (int j = 0; j < settings.virtualServers(); j++) {
        placed[freeSlotFor(placed, settings.serverHash().slot(replica.id(), j, placed.length))] = index;
      }
    }
    return new ClassicRing(settings, next, placed);
  }

  @Override
  public HashRing without(String name) {
    int gone = replicas.indexOf(name);
    if (gone < 0) {
      return this;
    }
    int[] left = new int[owners.length];
    for (int slot = 0; slot < owners.length; slot++) {
      int owner = owners[slot];
      left[slot] = owner == gone ? FREE : owner > gone ? owner - 1 : owner;
    }
    return new ClassicRing(settings, replicas.without(name), left);
  }

  /** The slot a replica's virtual server claims, by {@link ClassicSettings#probing()}. */
  private int freeSlotFor(int[] taken, int home) {
    int slots = taken.length;
    for (long attempt = 0; attempt < slots; attempt++) {
      int slot = (int) ((home + settings.probing().offset(attempt)) % slots);
      if (taken[slot] == FREE) {
        return slot;
      }
    }
    // Quadratic probing over a power-of-two M reaches only some slots; rather than refuse a
    // replica the ring has room for, take the next free slot clockwise.
    for (int step = 1; step < slots; step++) {
      int slot = (home + step) % slots;
      if (taken[slot] == FREE) {
        return slot;
      }
    }
    throw new IllegalStateException("no free slot left among " + slots);
  }

  private int requestSlot(long key) {
    return settings.requestHash().slot(key, 0, owners.length);
  }

  /** The lookup table that makes routing one array read instead of a scan. */
  private static int[] nextTaken(int[] owners) {
    int slots = owners.length;
    int[] next = new int[slots];
    int last = FREE;
    // walk the circle twice backwards so slots before the first taken one wrap around
    for (int step = 2 * slots - 1; step >= 0; step--) {
      int slot = step % slots;
      if (owners[slot] != FREE) {
        last = slot;
      }
      next[slot] = last;
    }
    return next;
  }

  /** The slot of each virtual server, for tests that check the map by hand. */
  int[] slotsOf(String name) {
    int index = replicas.indexOf(name);
    return java.util.stream.IntStream.range(0, owners.length).filter(slot -> owners[slot] == index).toArray();
  }

  @Override
  public int capacity() {
    return settings.capacity();
  }

  /** The slots are the circle: the turn's slot is served by the first virtual server at or clockwise after it. */
  @Override
  public Optional<Replica> ownerAt(double turn) {
    HashRing.keyAt(turn); // checks the turn
    return byIndex.length == 0 ? Optional.empty() : Optional.of(byIndex[owners[nextTaken[(int) (turn * owners.length)]]]);
  }

  /** Its K virtual servers, each on a slot of its own. */
  @Override
  public int points(String name) {
    return replicas.contains(name) ? settings.virtualServers() : 0;
  }

  @Override
  public String toString() {
    return "classic" + replicas;
  }
}
