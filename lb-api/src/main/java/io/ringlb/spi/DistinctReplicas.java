package io.ringlb.spi;

import io.ringlb.api.Replica;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the first {@code limit} distinct replicas a ring walk meets, for {@link
 * io.ringlb.api.HashRing#candidates(long, int)}. Replicas are compared by identity, since a
 * ring hands out the instances it holds; the check is a scan of what was kept, which beats any
 * set for the handful of candidates a request retries on and allocates nothing per replica.
 */
public final class DistinctReplicas {

  private final Replica[] kept;
  private int count;

  public DistinctReplicas(int limit) {
    this.kept = new Replica[Math.max(limit, 0)];
  }

  /** Keeps the replica unless it was met before; answers whether the limit is now reached. */
  public boolean offer(Replica replica) {
    for (int k = 0; k < count; k++) {
      if (kept[k] == replica) {
        return false;
      }
    }
    kept[count++] = replica;
    return count == kept.length;
  }

  public boolean isFull() {
    return count == kept.length;
  }

  /** The replicas kept, in the order met, unmodifiable. */
  public List<Replica> toList() {
    return List.of(count == kept.length ? kept : Arrays.copyOf(kept, count));
  }
}
