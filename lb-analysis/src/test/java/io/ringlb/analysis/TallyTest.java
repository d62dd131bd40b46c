package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TallyTest {

  @Test
  void countsAnswersPerReplicaInNumericOrderAndEverythingElseAsFailures() {
    Tally tally = new Tally();

    tally.record(200, "{\"message\":\"Hello from Server: S10\",\"status\":\"successful\"}");
    tally.record(200, "{\"message\":\"Hello from Server: S2\",\"status\":\"successful\"}");
    tally.record(200, "{\"message\":\"Hello from Server: S2\",\"status\":\"successful\"}");
    tally.record(503, "{\"message\":\"<Error> No replica\",\"status\":\"failure\"}");
    tally.record(200, "not a greeting");
    tally.failed(new IOException("reset"));

    assertThat(tally.counts()).containsExactly(java.util.Map.entry("S2", 2), java.util.Map.entry("S10", 1));
    assertThat(tally.failures).hasSize(3).first().asString().startsWith("503");
    assertThat(tally.answered.sum()).isEqualTo(6);
  }
}
