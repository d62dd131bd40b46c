package io.ringlb.strategy.ring;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A ring of virtual nodes on a 64-bit XXH3 circle. Node {@code p} of a replica sits at {@code
 * xxh3(xxh3(name), p)}, so a node's place depends on its replica's name alone: a set of replicas
 * makes one ring whatever order they came in, and adding a replica moves keys only onto it.
 *
 * <p>Each node is one {@code long}: the high 48 bits of its position with its replica's index
 * in the low 16. One sorted array is half the memory of parallel position and owner arrays and
 * keeps a lookup's binary search on one cache line at the end; 48 bits still place a million
 * nodes with a chance of two sharing a position below one in five hundred, and a tie only
 * decides which of two adjacent nodes comes first.
 */
final class VirtualNodeRing implements HashRing {

  private static final Hasher64 XXH3 = Hashing.xxh3_64();
  private static final int INDEX_BITS = 16;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
  static final int MAX_REPLICAS = 1 << INDEX_BITS;

  private final int points;
  private final ReplicaSet replicas;
  private final Replica[] byIndex;
  private final long[] nodes;

  private VirtualNodeRing(int points, ReplicaSet replicas) {
    if (replicas.size() > MAX_REPLICAS) {
      throw new IllegalStateException("a ring holds at most " + MAX_REPLICAS + " replicas");
    }
    this.points = points;
    this.replicas = replicas;
    this.byIndex = replicas.toArray();
    this.nodes = nodes(byIndex, points);
  }

  static VirtualNodeRing empty(int points) {
    return new VirtualNodeRing(points, ReplicaSet.empty());
  }

  @Override
  public Optional<Replica> route(long key) {
    if (nodes.length == 0) {
      return Optional.empty();
    }
    return Optional.of(byIndex[(int) (nodes[firstNodeFrom(XXH3.hashLongToLong(key))] & INDEX_MASK)]);
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    int wanted = Math.min(limit, byIndex.length);
    if (wanted <= 0) {
      return List.of();
    }
    List<Replica> found = new ArrayList<>(wanted);
    boolean[] seen = new boolean[byIndex.length];
    int node = firstNodeFrom(XXH3.hashLongToLong(key));
    for (int step = 0; step < nodes.length && found.size() < wanted; step++) {
      int owner = (int) (nodes[node] & INDEX_MASK);
      if (!seen[owner]) {
        seen[owner] = true;
        found.add(byIndex[owner]);
      }
      node = node + 1 == nodes.length ? 0 : node + 1;
    }
    return List.copyOf(found);
  }

  /** The index of the first node at or clockwise after {@code position}, wrapping past the top. */
  private int firstNodeFrom(long position) {
    int at = Arrays.binarySearch(nodes, position & ~INDEX_MASK);
    int first = at >= 0 ? at : -at - 1;
    return first == nodes.length ? 0 : first;
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  @Override
  public HashRing with(Replica replica) {
    return new VirtualNodeRing(points, replicas.with(replica));
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> more) {
    return new VirtualNodeRing(points, replicas.withAll(more));
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new VirtualNodeRing(points, replicas.without(name)) : this;
  }

  private static long[] nodes(Replica[] replicas, int points) {
    long[] nodes = new long[replicas.length * points];
    for (int index = 0; index < replicas.length; index++) {
      long seed = XXH3.hashCharsToLong(replicas[index].name());
      for (int p = 0; p < points; p++) {
        nodes[index * points + p] = (XXH3.hashLongLongToLong(seed, p) & ~INDEX_MASK) | index;
      }
    }
    Arrays.sort(nodes);
    return nodes;
  }

  @Override
  public String toString() {
    return "ring(" + points + " points)" + replicas;
  }
}
