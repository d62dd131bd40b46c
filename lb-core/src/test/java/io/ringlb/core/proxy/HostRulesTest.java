package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.core.ExerciseRules;
import java.util.Optional;
import java.util.Set;
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
  void pathsOfEveryLengthAndEndingAreToldApart() {
    String longPath = "/" + "a".repeat(70);
    HostRules rules = new HostRules(Set.of("/", "/a", longPath, "/" + "b".repeat(61)), Optional.empty());

    assertThat(rules.toAdmin("/")).isTrue();
    assertThat(rules.toAdmin("")).isTrue(); // "/" without its trailing slash
    assertThat(rules.toAdmin("/a/")).isTrue();
    assertThat(rules.toAdmin("/b")).isFalse(); // a length some admin path has, another path
    assertThat(rules.toAdmin("/b/")).isFalse(); // the length and last character of one, another path
    assertThat(rules.toAdmin(longPath)).isTrue();
    assertThat(rules.toAdmin(longPath + "/")).isTrue();
    assertThat(rules.toAdmin("/" + "a".repeat(69))).isFalse();
    assertThat(rules.toAdmin("/" + "b".repeat(61))).isTrue();
    assertThat(rules.toAdmin("/" + "b".repeat(61) + "/")).isTrue();
    assertThat(rules.toAdmin("/" + "c".repeat(62))).isFalse();
    assertThat(rules.adminPaths()).hasSize(8).contains("/a", "/a/", longPath);
  }

  @Test
  void theExercisesNotFoundNamesThePath() {
    assertThat(ExerciseRules.rules().notFound().orElseThrow().apply("/other")).isEqualTo("'/other' endpoint does not exist in server replicas");
    assertThat(HostRules.NONE.notFound()).isEmpty();
  }
}
