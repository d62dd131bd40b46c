package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.util.concurrent.CompletableFuture;

/** One heartbeat: completes with what the replica's answer, or its silence, says; never exceptionally. */
@FunctionalInterface
public interface HealthProbe {

  CompletableFuture<Heartbeat> check(Replica replica);
}
