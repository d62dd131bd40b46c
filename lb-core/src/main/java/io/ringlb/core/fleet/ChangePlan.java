package io.ringlb.core.fleet;

import io.ringlb.core.stats.RingChange;
import java.util.List;

/**
 * What an {@code /add}, {@code /rm} or change of weight would do, as a dry run answers it: nothing is started,
 * stopped or published.
 *
 * @param joining the replicas that would join the ring, named as the call would name them
 * @param leaving the replicas that would leave it
 * @param reweighed the replicas whose weight would change
 * @param change what the ring that would be published moves, against the one published now:
 *     the strategy's own, weights and all
 */
public record ChangePlan(List<String> joining, List<String> leaving, List<String> reweighed, RingChange change) {

  public ChangePlan {
    joining = List.copyOf(joining);
    leaving = List.copyOf(leaving);
    reweighed = List.copyOf(reweighed);
  }
}
