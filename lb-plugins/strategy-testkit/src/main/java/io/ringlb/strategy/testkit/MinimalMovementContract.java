package io.ringlb.strategy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.HashRing;
import io.ringlb.core.stats.KeyMovement;
import org.junit.jupiter.api.Test;

/**
 * The consistent-hashing promise in its strict form: keys move only onto an added replica and
 * only off a removed one; no key moves between two replicas that stay.
 */
public interface MinimalMovementContract extends HashRingContract {

  @Test
  default void keysMoveOnlyOntoAnAddedReplica() {
    for (int n = 1; n <= 8; n++) {
      HashRing before = ring(Replicas.numbered(1, n));
      HashRing after = before.with(Replicas.numbered(n + 1));

      KeyMovement movement = KeyMovement.between(before, after, keys());

      assertThat(movement.movedBetweenStaying()).as("N=%d -> %d: %s", n, n + 1, movement).isZero();
      assertThat(movement.moved()).as("the new replica takes some keys").isPositive();
    }
  }

  @Test
  default void keysMoveOnlyOffARemovedReplica() {
    for (int n = 2; n <= 8; n++) {
      HashRing before = ring(Replicas.numbered(1, n));
      String removed = "S" + (1 + n / 2);

      KeyMovement movement = KeyMovement.between(before, before.without(removed), keys());

      assertThat(movement.movedBetweenStaying()).as("N=%d without %s: %s", n, removed, movement).isZero();
    }
  }
}
