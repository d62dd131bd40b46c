package io.ringlb.strategy.rendezvous;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.api.Weights;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Rendezvous hashing (Thaler and Ravishankar, 1998): a key goes to the replica whose score
 * {@code xxh3(key hash, name hash)} is highest, and its candidates are the replicas in falling
 * score order. A replica's scores do not depend on the others, so keys move only onto an added
 * replica and only off a removed one, exactly.
 *
 * <p>Weighted, a replica's score is {@code -w / ln(u)}, {@code u} the same hash mapped into (0,
 * 1) (Schindelhauer and Schomaker, 2005): its share of keys is then its weight over the sum of
 * weights, and a change of weight moves keys only onto or off that replica. With every weight 1
 * the order is the unweighted one, and the unweighted ring skips the logarithms.
 */
final class RendezvousRing implements HashRing {

  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  static final RendezvousRing EMPTY = new RendezvousRing(ReplicaSet.empty(), Weights.none());

  private final ReplicaSet replicas;
  private final Weights weights;
  private final Replica[] byIndex;
  private final long[] nameHashes;
  /** Each replica's weight, by index; null when every weight is 1. */
  private final double[] weightByIndex;

  private RendezvousRing(ReplicaSet replicas, Weights weights) {
    this.replicas = replicas;
    this.weights = weights;
    this.byIndex = replicas.toArray();
    this.nameHashes = Arrays.stream(byIndex).mapToLong(replica -> XXH3.hashCharsToLong(replica.name())).toArray();
    this.weightByIndex = weights.any() ? Arrays.stream(byIndex).mapToDouble(replica -> weights.of(replica.name())).toArray() : null;
  }

  @Override
  public Optional<Replica> route(long key) {
    return byIndex.length == 0 ? Optional.empty() : Optional.of(candidates(key, 1).get(0));
  }

  /** The {@code limit} highest-scoring replicas, by insertion into a short sorted array. */
  @Override
  public List<Replica> candidates(long key, int limit) {
    int wanted = Math.min(limit, byIndex.length);
    if (wanted <= 0) {
      return List.of();
    }
    long keyHash = XXH3.hashLongToLong(key);
    double[] topScores = new double[wanted];
    int[] top = new int[wanted];
    int kept = 0;
    for (int r = 0; r < byIndex.length; r++) {
      double score = score(keyHash, r);
      if (kept == wanted && score <= topScores[kept - 1]) {
        continue;
      }
      int at = kept == wanted ? kept - 1 : kept++;
      while (at > 0 && topScores[at - 1] < score) {
        topScores[at] = topScores[at - 1];
        top[at] = top[at - 1];
        at--;
      }
      topScores[at] = score;
      top[at] = r;
    }
    Replica[] found = new Replica[wanted];
    for (int k = 0; k < wanted; k++) {
      found[k] = byIndex[top[k]];
    }
    return List.of(found);
  }

  /**
   * Unweighted, the hash itself (as a double, which keeps its order); weighted, {@code -w /
   * ln(u)}, {@code u} the hash mapped into (0, 1) in the same order, so that equal weights give
   * the unweighted order.
   */
  private double score(long keyHash, int replica) {
    long hash = XXH3.hashLongLongToLong(keyHash, nameHashes[replica]);
    if (weightByIndex == null) {
      return hash;
    }
    double u = (((hash ^ Long.MIN_VALUE) >>> 11) + 0.5) * 0x1.0p-53;
    return -weightByIndex[replica] / Math.log(u);
  }

  @Override
  public int weight(String name) {
    return replicas.contains(name) ? weights.of(name) : 0;
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new RendezvousRing(replicas.with(replica), weights.with(replica.name(), weight));
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  @Override
  public HashRing with(Replica replica) {
    return new RendezvousRing(replicas.with(replica), weights);
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> more) {
    return new RendezvousRing(replicas.withAll(more), weights);
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new RendezvousRing(replicas.without(name), weights.without(name)) : this;
  }

  @Override
  public String toString() {
    return "rendezvous" + replicas;
  }
}
