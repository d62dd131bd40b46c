package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.util.concurrent.CompletableFuture;

/** One heartbeat: completes with what the replica's answer, or its silence, says; never exceptionally. */
@FunctionalInterface
public interface HealthProbe extends AutoCloseable {

  CompletableFuture<Heartbeat> check(Replica replica);

  /** Lets go of what the heartbeats hold (a thread of their own, say) once none will be asked for; most hold nothing. */
  @Override
  default void close() {}
}
