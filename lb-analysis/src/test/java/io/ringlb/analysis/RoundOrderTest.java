package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundOrderTest {

  @Test
  void everyRoundMeasuresEveryContenderOnceAndStartsWithAnotherOne() {
    for (int n = 1; n <= 6; n++) {
      int contenders = n;
      Set<Integer> firsts = new HashSet<>();
      for (int round = 1; round <= contenders; round++) {
        List<Integer> order = RoundOrder.of(contenders, round);
        assertThat(order).as("%d contenders, round %d", contenders, round)
            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, contenders).boxed().toList());
        firsts.add(order.getFirst());
      }
      assertThat(firsts).as("first contenders over %d rounds", contenders).hasSize(contenders);
    }
  }

  @Test
  void overFourRoundsEachOfFourContendersFollowsEachOtherExactlyOnce() {
    List<List<Integer>> neighbours = IntStream.rangeClosed(1, 4).mapToObj(round -> RoundOrder.of(4, round))
        .flatMap(order -> IntStream.range(1, order.size()).mapToObj(i -> List.of(order.get(i - 1), order.get(i)))).toList();

    assertThat(neighbours).hasSize(12).doesNotHaveDuplicates();
    assertThat(RoundOrder.of(4, 1)).containsExactly(0, 1, 3, 2);
    assertThat(RoundOrder.of(4, 5)).isEqualTo(RoundOrder.of(4, 1));
  }

  @Test
  void withAnOddCountTheSecondPassMirrorsTheFirst() {
    assertThat(RoundOrder.of(3, 1)).containsExactly(0, 1, 2);
    assertThat(RoundOrder.of(3, 4)).containsExactly(2, 1, 0);
  }

  @Test
  void roundsCountFromOne() {
    assertThatThrownBy(() -> RoundOrder.of(4, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
