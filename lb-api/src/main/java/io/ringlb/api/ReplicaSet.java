package io.ringlb.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An immutable set of replicas with distinct names, kept in name order so that rings built
 * from the same replicas are the same whatever order they arrived in.
 *
 * <p>Hash rings hold one of these; {@link #indexOf(String)} gives each replica a dense index
 * that rings use in their lookup tables.
 */
public final class ReplicaSet {

  private static final ReplicaSet EMPTY = new ReplicaSet(new Replica[0]);
  private static final Comparator<Replica> BY_NAME = Comparator.comparing(Replica::name);

  private final Replica[] byName;
  private final List<Replica> view;

  private ReplicaSet(Replica[] byName) {
    this.byName = byName;
    this.view = List.of(byName);
  }

  public static ReplicaSet empty() {
    return EMPTY;
  }

  /** @throws IllegalArgumentException if two replicas share a name */
  public static ReplicaSet of(Collection<? extends Replica> replicas) {
    Replica[] sorted = replicas.toArray(Replica[]::new);
    Arrays.sort(sorted, BY_NAME);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i].name().equals(sorted[i - 1].name())) {
        throw new IllegalArgumentException("duplicate replica name: " + sorted[i].name());
      }
    }
    return new ReplicaSet(sorted);
  }

  /** @throws IllegalArgumentException if a replica with that name is already in the set */
  public ReplicaSet with(Replica replica) {
    int at = Arrays.binarySearch(byName, replica, BY_NAME);
    if (at >= 0) {
      throw new IllegalArgumentException("replica " + replica.name() + " is already in the ring");
    }
    int insertion = -at - 1;
    Replica[] next = new Replica[byName.length + 1];
    System.arraycopy(byName, 0, next, 0, insertion);
    next[insertion] = replica;
    System.arraycopy(byName, insertion, next, insertion + 1, byName.length - insertion);
    return new ReplicaSet(next);
  }

  /** Returns this set itself when no replica has that name. */
  public ReplicaSet without(String name) {
    int at = indexOf(name);
    if (at < 0) {
      return this;
    }
    Replica[] next = new Replica[byName.length - 1];
    System.arraycopy(byName, 0, next, 0, at);
    System.arraycopy(byName, at + 1, next, at, byName.length - at - 1);
    return new ReplicaSet(next);
  }

  /** The position of the named replica in name order, or a negative number if absent. */
  public int indexOf(String name) {
    int low = 0;
    int high = byName.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int order = byName[mid].name().compareTo(name);
      if (order < 0) {
        low = mid + 1;
      } else if (order > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  public Optional<Replica> get(String name) {
    int at = indexOf(name);
    return at < 0 ? Optional.empty() : Optional.of(byName[at]);
  }

  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /** The replica at {@code index} in name order. */
  public Replica get(int index) {
    return byName[index];
  }

  public int size() {
    return byName.length;
  }

  public boolean isEmpty() {
    return byName.length == 0;
  }

  /** The replicas in name order, unmodifiable. */
  public List<Replica> asList() {
    return view;
  }

  /** A copy of the replicas in name order, for rings that index them in a tight loop. */
  public Replica[] toArray() {
    return byName.clone();
  }

  /** The replicas of this set and {@code more}, in name order; for bulk construction. */
  public ReplicaSet withAll(Collection<? extends Replica> more) {
    List<Replica> all = new ArrayList<>(byName.length + more.size());
    all.addAll(view);
    all.addAll(more);
    return of(all);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReplicaSet that && Arrays.equals(byName, that.byName);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(byName);
  }

  @Override
  public String toString() {
    return view.toString();
  }
}
