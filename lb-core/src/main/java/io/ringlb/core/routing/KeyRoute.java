package io.ringlb.core.routing;

import io.ringlb.api.Replica;
import java.util.List;
import java.util.Optional;

/**
 * Where a key goes at one moment, and why: what a lookup answers.
 *
 * @param candidates the replicas a request with the key tries, in order, as the data plane reads
 *     them: the first is where it goes now; empty when the ring is
 * @param passedOver the replicas the strategy's own order puts ahead of the first candidate that
 *     are passed over now, in that order, each with why (out of the ring, bounded loads, slow start)
 */
public record KeyRoute(List<Replica> candidates, List<PassedOver> passedOver) {

  public KeyRoute {
    candidates = List.copyOf(candidates);
    passedOver = List.copyOf(passedOver);
  }

  /** Where the key goes now. */
  public Optional<Replica> replica() {
    return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
  }

  /** A replica passed over for the key, and why: the reasons of each ring that passes it over, outermost first. */
  public record PassedOver(String replica, List<String> reasons) {

    public PassedOver {
      reasons = List.copyOf(reasons);
    }
  }
}
