package io.ringlb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSetTest {

  private static Replica replica(String name, int id) {
    return new Replica(name, id, "127.0.0.1", 8000 + id);
  }

  @Test
  void keepsNameOrderWhateverTheArrivalOrder() {
    ReplicaSet set = ReplicaSet.empty().with(replica("S3", 3)).with(replica("S1", 1)).with(replica("S2", 2));

    assertThat(set.asList()).extracting(Replica::name).containsExactly("S1", "S2", "S3");
    assertThat(set).isEqualTo(ReplicaSet.of(List.of(replica("S2", 2), replica("S3", 3), replica("S1", 1))));
    assertThat(set.indexOf("S2")).isEqualTo(1);
    assertThat(set.indexOf("S9")).isNegative();
  }

  @Test
  void isNeverChangedByWithOrWithout() {
    ReplicaSet one = ReplicaSet.of(List.of(replica("S1", 1)));

    ReplicaSet two = one.with(replica("S2", 2));
    ReplicaSet none = two.without("S1").without("S2");

    assertThat(one.asList()).extracting(Replica::name).containsExactly("S1");
    assertThat(two.size()).isEqualTo(2);
    assertThat(none.isEmpty()).isTrue();
    assertThat(one.without("absent")).isSameAs(one);
  }

  @Test
  void refusesTwoReplicasOfOneName() {
    ReplicaSet set = ReplicaSet.of(List.of(replica("S1", 1)));

    assertThatThrownBy(() -> set.with(replica("S1", 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S1");
    assertThatThrownBy(() -> ReplicaSet.of(List.of(replica("S1", 1), replica("S1", 2))))
        .hasMessageContaining("duplicate replica name: S1");
  }

  @Test
  void handsOutAnUnmodifiableList() {
    ReplicaSet set = ReplicaSet.of(List.of(replica("S1", 1)));

    assertThatThrownBy(() -> set.asList().add(replica("S2", 2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void replicaChecksItsFields() {
    assertThatThrownBy(() -> new Replica(" ", 1, "h", 80)).hasMessageContaining("blank");
    assertThatThrownBy(() -> new Replica("S1", -1, "h", 80)).hasMessageContaining("id must be >= 0");
    assertThatThrownBy(() -> new Replica("S1", 1, "h", 70_000)).hasMessageContaining("port must be 1..65535");
  }
}
