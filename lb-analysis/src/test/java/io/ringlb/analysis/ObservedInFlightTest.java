package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservedInFlightTest {

  private static KeyedLoad.Answer answer(int index, String replica, long sent, long answered) {
    return new KeyedLoad.Answer(index, index, replica, sent, answered);
  }

  @Test
  void countsARequestForItsReplicaFromItsSendingUntilItsAnswer() {
    // S1 holds requests 0 and 1 together; request 2 goes after 0 has come back; S2 holds one at a time
    List<KeyedLoad.Answer> answers = List.of(
        answer(0, "S1", 0, 10), answer(1, "S1", 5, 30), answer(2, "S1", 10, 40), answer(3, "S2", 12, 20), answer(4, "S2", 25, 35));

    InFlightSimulation.Result result = ObservedInFlight.of(answers, List.of("S1", "S2", "S3"));

    assertThat(result.most()).isEqualTo(Map.of("S1", 2, "S2", 1));
    assertThat(result.served()).isEqualTo(Map.of("S1", 3L, "S2", 2L));
    // in flight in all at each sending: 1, 2, 2 (0 is back at 10), 3, 3 (3 is back at 20): 11 over 5 sendings and 3 replicas
    assertThat(result.meanPerReplica()).isCloseTo(11.0 / 5 / 3, within(1e-9));
    // the busiest replica at each sending: 1, 2, 2, 2, 2
    assertThat(result.busiestMean()).isCloseTo(9.0 / 5, within(1e-9));
    assertThat(result.routedTo()).containsExactly("S1", "S1", "S1", "S2", "S2");
  }

  @Test
  void theSameRequestsOnAnotherReplicaCountAsMoved() {
    InFlightSimulation.Result before = ObservedInFlight.of(List.of(answer(0, "S1", 0, 1), answer(1, "S2", 1, 2)), List.of("S1", "S2"));
    InFlightSimulation.Result after = ObservedInFlight.of(List.of(answer(0, "S1", 0, 1), answer(1, "S3", 1, 2)), List.of("S1", "S2", "S3"));

    assertThat(InFlightSimulation.moved(before, after)).isEqualTo(0.5);
  }
}
