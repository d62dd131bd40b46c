package io.ringlb.core.fleet;

import io.ringlb.api.Replica;

/**
 * One replica the fleet wants, and where starting it stands. Confined to the fleet's control
 * loop; its health is the {@link HealthMachine}'s.
 */
final class Member {

  final String name;
  /** Fixed, unless a shared launcher lists the replica under another id: an orchestrator's id is the one every balancer sees. */
  int id;
  /** Its share of keys against the others', for strategies that weigh replicas: given when it was added, or since by a change of weight. */
  int weight;

  /** The running instance, or null while none runs. */
  Replica replica;
  /** A start, or a stop and start, is with the launcher: no second call for this member until it answers. */
  boolean launching;
  /** Starts in a row that failed, or whose replica never passed a heartbeat: sets the backoff. */
  int failedStarts;
  /** No start before this time. */
  long nextStartNanos;
  /** What went wrong last, for readiness and the log; null once the replica is in the ring. */
  String problem;

  Member(String name, int id, int weight) {
    this.name = name;
    this.id = id;
    this.weight = weight;
  }
}
