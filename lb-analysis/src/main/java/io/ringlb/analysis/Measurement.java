package io.ringlb.analysis;

import java.util.Optional;

/**
 * One contender's measured run in one round.
 *
 * @param contender the contender's name
 * @param round which round, from 1: runs of the same round are compared with each other
 * @param load what wrk measured
 * @param use what the balancer's process used, absent for the replicas hit directly
 * @param replicasCpuSeconds user plus system CPU time the replicas' processes spent over the same run
 */
record Measurement(String contender, int round, WrkResult load, Optional<ResourceUse> use, double replicasCpuSeconds) {

  /**
   * @param cpuSeconds user plus system CPU time over the measured run, children included
   * @param idleRssBytes resident size before any load
   * @param loadRssBytes peak resident size during the measured run
   */
  record ResourceUse(double cpuSeconds, long idleRssBytes, long loadRssBytes) {}

  /** CPU seconds the balancer spent per 10,000 requests. */
  Optional<Double> cpuSecondsPer10k() {
    return use.map(u -> u.cpuSeconds() * 10_000 / Math.max(1, load.requests()));
  }

  /**
   * CPU seconds the replicas spent per 10,000 requests: on a machine they share with the
   * balancer, what a balancer makes its replicas spend decides the throughput as much as its own.
   */
  double replicasCpuSecondsPer10k() {
    return replicasCpuSeconds * 10_000 / Math.max(1, load.requests());
  }
}
