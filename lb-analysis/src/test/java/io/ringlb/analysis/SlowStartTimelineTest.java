package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowStartTimelineTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void sharesPerSecondSinceTheNewcomerJoinedAgainstTheRampToTheShareItKeeps() {
    long joined = 100 * SECOND;
    List<KeyedLoad.Answer> answers = new ArrayList<>();
    int index = 0;
    // 10 requests a second from 2 s before joining to 6 s after; the newcomer takes 1 of 10 in its first second, 2 in its
    // second, then 4 from the end of its 4 s ramp on
    int[] newcomersPerSecond = {0, 0, 1, 2, 3, 3, 4, 4};
    for (int second = -2; second < 6; second++) {
      for (int r = 0; r < 10; r++) {
        String replica = r < newcomersPerSecond[second + 2] ? "S4" : "S1";
        long sent = joined + second * SECOND + r * (SECOND / 10);
        answers.add(new KeyedLoad.Answer(index++, r, replica, sent, sent + 1));
      }
    }

    SlowStartTimeline timeline = SlowStartTimeline.of(answers, "S4", joined, 4_000);

    assertThat(timeline.seconds()).containsExactly(-2, -1, 0, 1, 2, 3, 4, 5);
    assertThat(timeline.requests()).containsOnly(10);
    assertThat(timeline.shares()).containsExactly(0.0, 0.0, 10.0, 20.0, 30.0, 30.0, 40.0, 40.0);
    assertThat(timeline.fullShare()).isCloseTo(40.0, within(1e-9));
    // the ramp at each window's middle: 0.5 s of 4 s is an eighth of 40 %
    assertThat(timeline.ramp()).containsExactly(0.0, 0.0, 5.0, 15.0, 25.0, 35.0, 40.0, 40.0);
    assertThat(timeline.shareAt(1.5)).isEqualTo(20.0);
  }
}
