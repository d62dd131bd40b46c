package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimelineTest {

  @Test
  void bucketsRequestsBySendTimeInTenthsOfASecond() {
    long start = 1_000_000_000L;
    Timeline timeline = new Timeline(start, 3);

    timeline.record(start + 10_000_000L, 4_000_000L, true); // bucket 0, 4 ms
    timeline.record(start + 90_000_000L, 6_000_000L, true); // bucket 0, 6 ms
    timeline.record(start + 150_000_000L, 1_000_000L, false); // bucket 1
    timeline.record(start + 250_000_000L, 2_000_000L, true); // bucket 2
    timeline.record(start + 400_000_000L, 2_000_000L, true); // past the end: ignored
    timeline.record(start - 1, 2_000_000L, true); // before the start: ignored

    assertThat(timeline.successes()).containsExactly(2L, 0L, 1L);
    assertThat(timeline.failures()).containsExactly(0L, 1L, 0L);
    assertThat(timeline.meanLatencyMillis().get(0)).isCloseTo(5.0, within(1e-9));
    assertThat(timeline.meanLatencyMillis().get(1)).isZero();
    assertThat(timeline.seconds()).containsExactly(0.0, 0.1, 0.2);
  }
}
