package io.ringlb.analysis;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One contender's measured run.
 *
 * @param contender the contender's name
 * @param load what wrk measured
 * @param use what the balancer's process used, absent for the replicas hit directly
 * @param roundsPerSecond requests per second in every round this one was chosen from, in order
 */
record Measurement(String contender, WrkResult load, Optional<ResourceUse> use, List<Double> roundsPerSecond) {

  Measurement {
    roundsPerSecond = List.copyOf(roundsPerSecond);
  }

  /** The run of median throughput among one contender's rounds, carrying all their throughputs. */
  static Measurement median(List<Measurement> rounds) {
    List<Measurement> sorted = rounds.stream().sorted(Comparator.comparingDouble(m -> m.load().requestsPerSecond())).toList();
    Measurement median = sorted.get((sorted.size() - 1) / 2);
    return new Measurement(median.contender(), median.load(), median.use(), rounds.stream().map(m -> m.load().requestsPerSecond()).toList());
  }

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
