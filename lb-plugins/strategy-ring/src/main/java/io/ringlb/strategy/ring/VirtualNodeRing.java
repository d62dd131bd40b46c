package io.ringlb.strategy.ring;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.api.Weights;
import io.ringlb.spi.DistinctReplicas;
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
 * in the low 16, sorted. 48 bits still place a million nodes with a chance of two sharing a
 * position below one in five hundred, and a tie only decides which of two adjacent nodes comes
 * first.
 *
 * <p>A replica of weight {@code w} has {@code w x points} nodes, the first {@code points} the
 * ones it has unweighted, so its share of keys is its weight over the sum of weights and a change
 * of weight moves keys only onto or off it.
 *
 * <p>A binary search over a million nodes misses the cache at nearly every step, so lookups go
 * through a bucket index instead: the top bits of a position name a bucket, the index holds the
 * first node of each, and a lookup scans the two or three nodes of one bucket. Two cache lines
 * instead of twenty.
 */
final class VirtualNodeRing implements HashRing {

  private static final Hasher64 XXH3 = Hashing.xxh3_64();
  private static final int INDEX_BITS = 16;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
  static final int MAX_REPLICAS = 1 << INDEX_BITS;
  /**
   * The most nodes a ring holds: 4 Mi nodes take about 50 MB with their index, and a change
   * builds the next ring beside the current one, within the balancer's 256 MB heap.
   */
  static final int MAX_NODES = 1 << 22;

  private final int points;
  private final ReplicaSet replicas;
  private final Weights weights;
  private final Replica[] byIndex;
  /** Sorted by position in unsigned order, with the sign bit flipped to sort as signed longs. */
  private final long[] nodes;
  /** 64 minus the bits of a bucket number: {@code position >>> shift} is the bucket. */
  private final int shift;
  /** bucketStart[b] is the first node in bucket b or after it; one extra entry closes the last. */
  private final int[] bucketStart;

  private VirtualNodeRing(int points, ReplicaSet replicas, Weights weights) {
    if (replicas.size() > capacity(points)) {
      throw new IllegalStateException("a ring of " + points + " points a replica holds at most " + capacity(points) + " replicas");
    }
    this.points = points;
    this.replicas = replicas;
    this.weights = weights;
    this.byIndex = replicas.toArray();
    this.nodes = nodes(byIndex, points, weights);
    // about two nodes a bucket
    int bucketBits = Math.max(1, 31 - Integer.numberOfLeadingZeros(Math.max(nodes.length, 1)));
    this.shift = 64 - bucketBits;
    this.bucketStart = bucketStarts(nodes, bucketBits, shift);
  }

  static VirtualNodeRing empty(int points) {
    return new VirtualNodeRing(points, ReplicaSet.empty(), Weights.none());
  }

  @Override
  public Optional<Replica> route(long key) {
    if (nodes.length == 0) {
      return Optional.empty();
    }
    return Optional.of(byIndex[owner(firstNodeFrom(XXH3.hashLongToLong(key)))]);
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    DistinctReplicas found = new DistinctReplicas(Math.min(limit, byIndex.length));
    if (found.isFull()) {
      return List.of();
    }
    int node = firstNodeFrom(XXH3.hashLongToLong(key));
    for (int step = 0; step < nodes.length && !found.offer(byIndex[owner(node)]); step++) {
      node = node + 1 == nodes.length ? 0 : node + 1;
    }
    return found.toList();
  }

  /** The index of the first node at or clockwise after {@code position}, wrapping past the top. */
  private int firstNodeFrom(long position) {
    long unsigned = position & ~INDEX_MASK;
    long target = unsigned ^ Long.MIN_VALUE;
    int bucket = (int) (unsigned >>> shift);
    int node = bucketStart[bucket];
    int end = bucketStart[bucket + 1];
    while (node < end && nodes[node] < target) {
      node++;
    }
    return node == nodes.length ? 0 : node;
  }

  private int owner(int node) {
    return (int) (nodes[node] & INDEX_MASK);
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  @Override
  public HashRing with(Replica replica) {
    return new VirtualNodeRing(points, replicas.with(replica), weights);
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new VirtualNodeRing(points, replicas.with(replica), weights.with(replica.name(), weight));
  }

  @Override
  public int weight(String name) {
    return replicas.contains(name) ? weights.of(name) : 0;
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> more) {
    return new VirtualNodeRing(points, replicas.withAll(more), weights);
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new VirtualNodeRing(points, replicas.without(name), weights.without(name)) : this;
  }

  private static long[] nodes(Replica[] replicas, int points, Weights weights) {
    long total = 0;
    for (Replica replica : replicas) {
      total += (long) points * weights.of(replica.name());
    }
    if (total > MAX_NODES) {
      throw new IllegalStateException("the weighted replicas would need " + total + " nodes, more than a ring holds (" + MAX_NODES + ")");
    }
    long[] nodes = new long[(int) total];
    int at = 0;
    for (int index = 0; index < replicas.length; index++) {
      long seed = XXH3.hashCharsToLong(replicas[index].name());
      int count = points * weights.of(replicas[index].name());
      for (int p = 0; p < count; p++) {
        long position = XXH3.hashLongLongToLong(seed, p) & ~INDEX_MASK;
        nodes[at++] = (position ^ Long.MIN_VALUE) | index;
      }
    }
    Arrays.sort(nodes);
    return nodes;
  }

  private static int[] bucketStarts(long[] nodes, int bucketBits, int shift) {
    int buckets = 1 << bucketBits;
    int[] starts = new int[buckets + 1];
    int node = 0;
    for (int bucket = 0; bucket < buckets; bucket++) {
      starts[bucket] = node;
      while (node < nodes.length && ((nodes[node] ^ Long.MIN_VALUE) >>> shift) == bucket) {
        node++;
      }
    }
    starts[buckets] = nodes.length;
    return starts;
  }

  @Override
  public int capacity() {
    return capacity(points);
  }

  /** The 64-bit circle itself: the turn's position is served by the first node at or clockwise after it. */
  @Override
  public Optional<Replica> ownerAt(double turn) {
    long position = HashRing.keyAt(turn);
    return nodes.length == 0 ? Optional.empty() : Optional.of(byIndex[owner(firstNodeFrom(position))]);
  }

  /** Its virtual nodes: {@code points} for each unit of its weight. */
  @Override
  public int points(String name) {
    return replicas.contains(name) ? points * weights.of(name) : 0;
  }

  private static int capacity(int points) {
    return Math.min(MAX_REPLICAS, MAX_NODES / points);
  }

  @Override
  public String toString() {
    return "ring(" + points + " points)" + replicas;
  }
}
