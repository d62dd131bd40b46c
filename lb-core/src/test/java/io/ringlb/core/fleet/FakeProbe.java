package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Heartbeats answered at once from what the test says of each replica: a running replica
 * passes unless told otherwise, one the launcher does not run refuses the connection.
 */
final class FakeProbe implements HealthProbe {

  /** The instance that runs under a name now, or null. */
  private final Function<String, Replica> running;
  /** What a replica, by name, answers instead of passing. */
  final Map<String, Outcome> answers = new HashMap<>();
  /** What happens elsewhere while a replica's heartbeat waits for its answer, by name. */
  final Map<String, Runnable> meanwhile = new HashMap<>();
  /** Replicas, by name, whose heartbeats get no answer until the test gives one: they wait in {@link #held}. */
  final Set<String> holding = new HashSet<>();
  /** The heartbeats held, oldest first. */
  final List<CompletableFuture<Heartbeat>> held = new ArrayList<>();
  int sent;

  FakeProbe(FakeLauncher launcher) {
    this(name -> launcher.running.get(name));
  }

  FakeProbe(Function<String, Replica> running) {
    this.running = running;
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    sent++;
    String tried = "GET http://" + replica.host() + ":" + replica.port() + "/heartbeat: ";
    if (!replica.equals(running.apply(replica.name()))) {
      return CompletableFuture.completedFuture(new Heartbeat(Outcome.FAILED, tried + "connection refused"));
    }
    if (holding.contains(replica.name())) {
      CompletableFuture<Heartbeat> answer = new CompletableFuture<>();
      held.add(answer);
      return answer;
    }
    meanwhile.getOrDefault(replica.name(), () -> {}).run();
    Outcome outcome = answers.getOrDefault(replica.name(), Outcome.PASSED);
    return CompletableFuture.completedFuture(new Heartbeat(outcome, tried + outcome));
  }
}
