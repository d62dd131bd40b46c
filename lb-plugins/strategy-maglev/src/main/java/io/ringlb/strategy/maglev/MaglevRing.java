package io.ringlb.strategy.maglev;

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
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4). Each replica walks its own permutation of the table,
 * {@code offset + k * skip mod M} with offset and skip from its name, and the replicas take
 * turns claiming the next entry of their walk that is still free. A key is one table read.
 *
 * <p>The table is a function of the set of names (replicas take turns in name order), so the
 * same replicas make the same table in any order. Disruption is minimal only approximately:
 * the turns interleave differently when a replica joins, so a few entries change hands between
 * replicas that stay.
 *
 * <p>Weighted, a replica takes as many turns a round as its weight, so it owns about its weight
 * over the sum of weights of the table; with every weight 1 the table is the paper's.
 */
final class MaglevRing implements HashRing {

  private static final Hasher64 OFFSET_HASH = Hashing.xxh3_64(0x6d61676c65764f46L);
  private static final Hasher64 SKIP_HASH = Hashing.xxh3_64(0x6d61676c6576536bL);
  private static final Hasher64 KEY_HASH = Hashing.xxh3_64();

  private final int tableSize;
  private final ReplicaSet replicas;
  private final Weights weights;
  /** Entry e serves the keys whose hash reduces to e; empty when there is no replica. */
  private final Replica[] table;
  /** How many entries each replica owns, by its index in {@link #replicas}. */
  private final int[] entries;

  private MaglevRing(int tableSize, ReplicaSet replicas, Weights weights) {
    if (replicas.size() > tableSize) {
      throw new IllegalStateException(
          "a maglev table of " + tableSize + " entries holds at most " + tableSize + " replicas");
    }
    this.tableSize = tableSize;
    this.replicas = replicas;
    this.weights = weights;
    Replica[] byIndex = replicas.toArray();
    int[] owners = populate(byIndex, tableSize, weights);
    this.table = new Replica[owners.length];
    this.entries = new int[byIndex.length];
    for (int e = 0; e < owners.length; e++) {
      table[e] = byIndex[owners[e]];
      entries[owners[e]]++;
    }
  }

  static MaglevRing empty(int tableSize) {
    return new MaglevRing(tableSize, ReplicaSet.empty(), Weights.none());
  }

  @Override
  public Optional<Replica> route(long key) {
    return table.length == 0 ? Optional.empty() : Optional.of(table[entry(key)]);
  }

  /** The entry of the key's hash, by Lemire's multiply-shift reduction instead of a division. */
  private int entry(long key) {
    return (int) (((KEY_HASH.hashLongToLong(key) >>> 32) * tableSize) >>> 32);
  }

  /**
   * The routed replica, then the next distinct replicas along the table; the table is spread
   * evenly, so the second choices of a replica's keys fall on every other replica.
   */
  @Override
  public List<Replica> candidates(long key, int limit) {
    DistinctReplicas found = new DistinctReplicas(Math.min(limit, replicas.size()));
    if (found.isFull()) {
      return List.of();
    }
    int at = entry(key);
    for (int step = 0; step < tableSize && !found.offer(table[at]); step++) {
      at = at + 1 == tableSize ? 0 : at + 1;
    }
    return found.toList();
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  @Override
  public HashRing with(Replica replica) {
    return new MaglevRing(tableSize, replicas.with(replica), weights);
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new MaglevRing(tableSize, replicas.with(replica), weights.with(replica.name(), weight));
  }

  @Override
  public int weight(String name) {
    return replicas.contains(name) ? weights.of(name) : 0;
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> more) {
    return new MaglevRing(tableSize, replicas.withAll(more), weights);
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new MaglevRing(tableSize, replicas.without(name), weights.without(name)) : this;
  }

  /**
   * The paper's population loop (its pseudocode 1), with each walk advanced incrementally and a
   * turn per unit of weight: the index of each entry's replica, none when there is no replica.
   */
  private static int[] populate(Replica[] replicas, int size, Weights weights) {
    if (replicas.length == 0) {
      return new int[0];
    }
    int[] next = new int[replicas.length];
    int[] skip = new int[replicas.length];
    int[] turns = new int[replicas.length];
    for (int r = 0; r < replicas.length; r++) {
      String name = replicas[r].name();
      turns[r] = weights.of(name);
      next[r] = (int) Long.remainderUnsigned(OFFSET_HASH.hashCharsToLong(name), size);
      skip[r] = (int) Long.remainderUnsigned(SKIP_HASH.hashCharsToLong(name), size - 1) + 1;
    }
    int[] owner = new int[size];
    Arrays.fill(owner, -1);
    int filled = 0;
    while (true) {
      for (int r = 0; r < replicas.length; r++) {
        for (int turn = 0; turn < turns[r]; turn++) {
          int c = next[r];
          while (owner[c] >= 0) {
            c = advance(c, skip[r], size);
          }
          owner[c] = r;
          next[r] = advance(c, skip[r], size);
          if (++filled == size) {
            return owner;
          }
        }
      }
    }
  }

  private static int advance(int entry, int skip, int size) {
    int next = entry + skip;
    return next >= size ? next - size : next;
  }

  /** The table is the circle: the turn's entry serves it. */
  @Override
  public Optional<Replica> ownerAt(double turn) {
    HashRing.keyAt(turn); // checks the turn
    return table.length == 0 ? Optional.empty() : Optional.of(table[(int) (turn * tableSize)]);
  }

  /** The table entries it owns. */
  @Override
  public int points(String name) {
    int index = replicas.indexOf(name);
    return index < 0 ? 0 : entries[index];
  }

  @Override
  public int capacity() {
    return tableSize;
  }

  @Override
  public String toString() {
    return "maglev(" + tableSize + ")" + replicas;
  }
}
