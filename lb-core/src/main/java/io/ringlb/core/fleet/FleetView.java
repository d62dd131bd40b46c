package io.ringlb.core.fleet;

import java.util.List;

/**
 * The replicas a fleet keeps, in the order they were added: what {@code /rep} shows. A replica
 * being replaced after a failure is still listed; it is still wanted.
 */
public record FleetView(List<String> replicas) {

  public FleetView {
    replicas = List.copyOf(replicas);
  }

  /** N, the number of replicas. */
  public int n() {
    return replicas.size();
  }
}
