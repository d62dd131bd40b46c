package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.util.concurrent.CompletableFuture;

/** One replica the fleet wants, and what it knows of it now. Guarded by the fleet's lock. */
final class Member {

  enum Health {
    /** Started or adopted, not yet through {@code rise} heartbeats: out of the ring. */
    PENDING,
    /** In the ring. */
    UP,
    /** Failed; out of the ring, to be stopped and started again. */
    DOWN
  }

  final String name;
  final int id;
  /** Completes when the member first enters the ring; what {@code add} waits for. */
  final CompletableFuture<Void> firstUp = new CompletableFuture<>();

  /** The running instance, or null while none runs. */
  Replica replica;
  /** A start or stop for this member is under way on the launcher thread. */
  boolean busy;
  Health health = Health.PENDING;
  int passes;
  int misses;
  /** Bumped on every new instance, so late heartbeats of an old one are ignored. */
  int generation;
  long startedAtNanos;
  long lastProbeNanos;
  /** A heartbeat is out; no second one is sent until it comes back. */
  boolean probing;
  long downAtNanos;
  int failedStarts;
  long nextStartNanos;

  Member(String name, int id) {
    this.name = name;
    this.id = id;
  }

  void running(Replica instance, long now) {
    replica = instance;
    health = Health.PENDING;
    passes = 0;
    misses = 0;
    generation++;
    startedAtNanos = now;
  }
}
