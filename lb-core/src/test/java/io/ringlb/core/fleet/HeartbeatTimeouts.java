package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What the tests of each heartbeat assert of its timeout, on a clock they move. */
final class HeartbeatTimeouts {

  private HeartbeatTimeouts() {}

  /**
   * Moves {@code clock} on to 1 ms before {@code timeout} and asserts that {@code beat} still
   * waits, then to the timeout itself and asserts that it has settled as {@code expected}: a
   * deadline 1 ms early or late fails.
   */
  static void assertTimesOutAt(FakeClock clock, Duration timeout, CompletableFuture<Heartbeat> beat, Heartbeat expected) {
    clock.forward(timeout.minusMillis(1));
    assertThat(beat).as("1 ms before its timeout").isNotDone();

    clock.forward(Duration.ofMillis(1));
    assertThat(beat).isCompletedWithValue(expected);
  }
}
