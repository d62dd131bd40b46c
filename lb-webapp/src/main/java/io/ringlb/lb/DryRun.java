package io.ringlb.lb;

import io.ringlb.core.fleet.ChangePlan;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What {@code /add?dry-run=true}, {@code /rm?dry-run=true} and {@code /weight?dry-run=true} answer: the change the call would
 * make, nothing of it made.
 */
@Schema(description = "What the call would do; nothing was started, stopped or published")
public record DryRun(
    @Schema(description = "The replicas that would join the ring, named as the call would name them") List<String> joining,
    @Schema(description = "The replicas that would leave it; those picked at random are picked again by the real call") List<String> leaving,
    @Schema(description = "The replicas whose weight would change") List<String> reweighed,
    @Schema(description = "The share of the key space, 0 to 1, whose replica would change", examples = "0.25") double moved,
    @Schema(description = "By replica, the share of all keys that would leave it") Map<String, Double> from,
    @Schema(description = "By replica, the share of all keys that would go to it") Map<String, Double> to) {

  static DryRun of(ChangePlan plan) {
    return new DryRun(plan.joining(), plan.leaving(), plan.reweighed(), plan.change().moved(), plan.change().from(), plan.change().to());
  }
}
