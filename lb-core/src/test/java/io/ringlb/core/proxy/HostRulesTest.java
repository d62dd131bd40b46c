package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.core.ExerciseRules;
import org.junit.jupiter.api.Test;

class HostRulesTest {

  @Test
  void anAdminPathIsTheSameWithATrailingSlash() {
    HostRules rules = ExerciseRules.rules();

    assertThat(rules.toAdmin("/rep")).isTrue();
    assertThat(rules.toAdmin("/rep/")).isTrue();
    assertThat(rules.toAdmin("/rm/")).isTrue();
    assertThat(rules.toAdmin("/repo")).isFalse();
    assertThat(rules.toAdmin("/rep/x")).isFalse();
    assertThat(HostRules.NONE.toAdmin("/rep")).isFalse();
  }

  @Test
  void theExercisesNotFoundNamesThePath() {
    assertThat(ExerciseRules.rules().notFound().orElseThrow().apply("/other")).isEqualTo("'/other' endpoint does not exist in server replicas");
    assertThat(HostRules.NONE.notFound()).isEmpty();
  }
}
