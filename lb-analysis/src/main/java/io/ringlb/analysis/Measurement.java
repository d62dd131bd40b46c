package io.ringlb.analysis;

import java.util.Optional;

/**
 * One contender's measured run in one round.
 *
 * @param contender the contender's name
 * @param round which round, from 1: runs of the same round are compared with each other
 * @param load what wrk measured
 * @param use what the balancer's process used, absent for the replicas hit directly
 */
record Measurement(String contender, int round, WrkResult load, Optional<ResourceUse> use) {

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
}
