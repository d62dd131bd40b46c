package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.util.concurrent.CompletableFuture;

/** One heartbeat: completes with whether the replica answered well, and never exceptionally. */
@FunctionalInterface
public interface HealthProbe {

  CompletableFuture<Boolean> check(Replica replica);
}
