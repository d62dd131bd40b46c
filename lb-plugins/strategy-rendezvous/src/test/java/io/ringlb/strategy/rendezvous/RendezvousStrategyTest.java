package io.ringlb.strategy.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.strategy.testkit.EvenSpreadContract;
import io.ringlb.strategy.testkit.MinimalMovementContract;
import io.ringlb.strategy.testkit.Replicas;
import io.ringlb.strategy.testkit.WeightedContract;
import java.util.List;
import org.junit.jupiter.api.Test;

class RendezvousStrategyTest implements EvenSpreadContract, MinimalMovementContract, WeightedContract {

  @Override
  public HashStrategyProvider provider() {
    return new RendezvousStrategyProvider();
  }

  @Test
  void aKeysCandidatesAfterARemovalAreItsOldCandidatesWithoutTheRemovedOne() {
    HashRing ring = ring(Replicas.numbered(1, 6));
    HashRing without = ring.without("S4");

    for (long key : keys()) {
      List<Replica> before = new java.util.ArrayList<>(ring.candidates(key, 6));
      before.removeIf(replica -> replica.name().equals("S4"));
      assertThat(without.candidates(key, 5)).isEqualTo(before);
    }
  }
}
