package io.ringlb.core;

import io.ringlb.core.proxy.HostRules;
import java.util.Optional;
import java.util.Set;

/**
 * The exercise's rules, which the balancer configures into its data plane (SPEC.md, section 3):
 * {@code /rep}, {@code /add} and {@code /rm} are the API's, served by the admin endpoint; a path
 * no replica serves is the API's {@code 400}, not the replica's {@code 404}.
 */
public final class ExerciseRules {

  private ExerciseRules() {}

  public static HostRules rules() {
    return new HostRules(Set.of("/rep", "/add", "/rm"), Optional.of(path -> "'" + path + "' endpoint does not exist in server replicas"));
  }
}
