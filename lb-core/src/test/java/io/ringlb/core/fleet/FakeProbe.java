package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Heartbeats answered at once from what the test says of each replica: a running replica
 * passes unless told otherwise, one the launcher does not run refuses the connection.
 */
final class FakeProbe implements HealthProbe {

  private final FakeLauncher launcher;
  /** What a replica, by name, answers instead of passing. */
  final Map<String, Outcome> answers = new HashMap<>();
  int sent;

  FakeProbe(FakeLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    sent++;
    String tried = "GET http://" + replica.host() + ":" + replica.port() + "/heartbeat: ";
    if (!replica.equals(launcher.running.get(replica.name()))) {
      return CompletableFuture.completedFuture(new Heartbeat(Outcome.FAILED, tried + "connection refused"));
    }
    Outcome outcome = answers.getOrDefault(replica.name(), Outcome.PASSED);
    return CompletableFuture.completedFuture(new Heartbeat(outcome, tried + outcome));
  }
}
