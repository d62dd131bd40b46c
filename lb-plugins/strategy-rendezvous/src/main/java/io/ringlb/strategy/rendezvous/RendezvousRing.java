package io.ringlb.strategy.rendezvous;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Rendezvous hashing (Thaler and Ravishankar, 1998): a key goes to the replica whose score
 * {@code xxh3(key hash, name hash)} is highest, and its candidates are the replicas in falling
 * score order. A replica's scores do not depend on the others, so keys move only onto an added
 * replica and only off a removed one, exactly.
 */
final class RendezvousRing implements HashRing {

  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  static final RendezvousRing EMPTY = new RendezvousRing(ReplicaSet.empty());

  private final ReplicaSet replicas;
  private final Replica[] byIndex;
  private final long[] nameHashes;

  private RendezvousRing(ReplicaSet replicas) {
    this.replicas = replicas;
    this.byIndex = replicas.toArray();
    this.nameHashes = Arrays.stream(byIndex).mapToLong(replica -> XXH3.hashCharsToLong(replica.name())).toArray();
  }

  @Override
  public Optional<Replica> route(long key) {
    if (byIndex.length == 0) {
      return Optional.empty();
    }
    long keyHash = XXH3.hashLongToLong(key);
    int best = 0;
    long bestScore = score(keyHash, 0);
    for (int r = 1; r < byIndex.length; r++) {
      long score = score(keyHash, r);
      if (score > bestScore) {
        best = r;
        bestScore = score;
      }
    }
    return Optional.of(byIndex[best]);
  }

  /** The {@code limit} highest-scoring replicas, by insertion into a short sorted array. */
  @Override
  public List<Replica> candidates(long key, int limit) {
    int wanted = Math.min(limit, byIndex.length);
    if (wanted <= 0) {
      return List.of();
    }
    long keyHash = XXH3.hashLongToLong(key);
    long[] topScores = new long[wanted];
    int[] top = new int[wanted];
    int kept = 0;
    for (int r = 0; r < byIndex.length; r++) {
      long score = score(keyHash, r);
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

  private long score(long keyHash, int replica) {
    return XXH3.hashLongLongToLong(keyHash, nameHashes[replica]);
  }

  @Override
  public ReplicaSet replicas() {
    return replicas;
  }

  @Override
  public HashRing with(Replica replica) {
    return new RendezvousRing(replicas.with(replica));
  }

  @Override
  public HashRing withAll(Collection<? extends Replica> more) {
    return new RendezvousRing(replicas.withAll(more));
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new RendezvousRing(replicas.without(name)) : this;
  }

  @Override
  public String toString() {
    return "rendezvous" + replicas;
  }
}
