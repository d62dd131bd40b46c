package io.ringlb.core.fleet;

import io.ringlb.core.health.Outcome;
import java.util.Objects;

/**
 * One heartbeat's result: its outcome, and in words what was tried and what came back, for the
 * log of a replica that never passes.
 *
 * @param outcome what the answer, or the silence, says
 * @param detail e.g. {@code "GET http://S1:8080/heartbeat: connection refused"}
 */
public record Heartbeat(Outcome outcome, String detail) {

  public Heartbeat {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }
}
