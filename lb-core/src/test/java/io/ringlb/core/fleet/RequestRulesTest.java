package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestRulesTest {

  /** A fleet of S1 and S2, at most 4. */
  private static final List<String> MEMBERS = List.of("S1", "S2");
  private static final Predicate<String> MEMBER = name -> Set.of("s1", "s2").contains(Names.key(name));

  private static void add(int n, List<String> names, Map<String, Integer> weights, Weighing weighing) {
    RequestRules.checkAdd(n, names, weights, MEMBER, MEMBERS.size(), 4, weighing);
  }

  private static void refused(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FleetException.class, refused -> {
      assertThat(refused.reason()).isEqualTo(FleetException.Reason.INVALID_REQUEST);
      assertThat(refused).hasMessage(message);
    });
  }

  @Test
  void anAddWithinTheRulesPasses() {
    assertThatCode(() -> add(2, List.of("S3"), Map.of("s3", 5), Weighing.WEIGHS)).doesNotThrowAnyException();
  }

  @Test
  void eachBrokenRuleOfAnAddIsNamed() {
    refused(() -> add(0, List.of(), Map.of(), Weighing.WEIGHS), "'n' must be a positive integer, was 0");
    refused(() -> add(1, List.of("S3", "S4"), Map.of(), Weighing.WEIGHS), "Length of hostname list is more than newly added instances");
    refused(() -> add(1, List.of("-S3"), Map.of(), Weighing.WEIGHS),
        "'-S3' is not a valid hostname: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen");
    refused(() -> add(1, List.of("s1"), Map.of(), Weighing.WEIGHS), "Hostname 's1' is already in use");
    refused(() -> add(3, List.of(), Map.of(), Weighing.WEIGHS), "Adding 3 would make 5 replicas, more than the maximum of 4");
    refused(() -> add(1, List.of("S3"), Map.of("S4", 2), Weighing.WEIGHS), "A weight is given for 'S4', which is not among the hostnames added");
    refused(() -> add(1, List.of("S3"), Map.of("S3", 1_001), Weighing.WEIGHS), "The weight of 'S3' must be an integer from 1 to 1000, was 1001");
  }

  @Test
  void weightsForAStrategyThatWeighsNoneNameTheStrategiesThatDo() {
    refused(() -> add(1, List.of("S3"), Map.of("S3", 2), new Weighing(false, List.of("maglev", "rendezvous", "ring"))),
        "The hash strategy weighs no replica: weights need lb.strategy maglev, rendezvous or ring");
    refused(() -> add(1, List.of("S3"), Map.of("S3", 2), new Weighing(false, List.of("ring"))),
        "The hash strategy weighs no replica: weights need lb.strategy ring");
    refused(() -> add(1, List.of("S3"), Map.of("S3", 2), new Weighing(false, List.of())),
        "The hash strategy weighs no replica, and no strategy on offer does");
    assertThatCode(() -> add(1, List.of("S3"), Map.of(), new Weighing(false, List.of()))).as("no weight given").doesNotThrowAnyException();
  }

  @Test
  void eachBrokenRuleOfARemovalIsNamed() {
    assertThatCode(() -> RequestRules.checkRemove(2, List.of("s2"), MEMBERS)).doesNotThrowAnyException();
    refused(() -> RequestRules.checkRemove(-1, List.of(), MEMBERS), "'n' must be a positive integer, was -1");
    refused(() -> RequestRules.checkRemove(1, List.of("S1", "S2"), MEMBERS), "Length of hostname list is more than removable instances");
    refused(() -> RequestRules.checkRemove(2, List.of("S1", "s1"), MEMBERS), "Hostname 's1' appears more than once");
    refused(() -> RequestRules.checkRemove(1, List.of("S9"), MEMBERS), "Hostname 'S9' is not among the replicas [S1, S2]");
    refused(() -> RequestRules.checkRemove(3, List.of(), MEMBERS), "Cannot remove 3 replicas: there are 2");
  }

  @Test
  void aWeightIsFromOneToTheMaximum() {
    assertThatCode(() -> RequestRules.checkWeight("S1", 1, "1")).doesNotThrowAnyException();
    assertThatCode(() -> RequestRules.checkWeight("S1", RequestRules.MAX_WEIGHT, "1000")).doesNotThrowAnyException();
    refused(() -> RequestRules.checkWeight("S1", 0, "0"), "The weight of 'S1' must be an integer from 1 to 1000, was 0");
    refused(() -> RequestRules.checkWeight("S1", Long.MAX_VALUE, "1e400"), "The weight of 'S1' must be an integer from 1 to 1000, was 1e400");
  }
}
