package io.ringlb.analysis;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Loads;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Requests in flight per replica, simulated: requests arrive one at a time at a steady rate, each
 * routed on a ring that may read the in-flight counts (bounded loads) and held for an
 * exponentially distributed time, as a replica answers. What comes out is how many requests each
 * replica held at most and on average, which is what a hot key does to a replica.
 */
final class InFlightSimulation {

  /**
   * What a run found.
   *
   * @param meanPerReplica requests a replica held, on average over arrivals
   * @param busiestMean requests the busiest replica of each moment held, on average over arrivals
   */
  record Result(Map<String, Integer> most, Map<String, Long> served, double meanPerReplica, double busiestMean, String[] routedTo) {

    /** How much more than the mean the busiest replica of each moment held, on average. */
    double busiestOverMean() {
      return busiestMean / meanPerReplica;
    }

    int maxInFlight() {
      return most.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
  }

  private record Departure(double at, Replica replica) {}

  private InFlightSimulation() {}

  /**
   * @param ringOver the ring to route on, given the in-flight counts it may read
   * @param keys one key per request, in arrival order
   * @param inFlight the mean requests in flight over the whole fleet (arrival rate x mean hold time)
   */
  static Result run(Function<Loads, HashRing> ringOver, long[] keys, double inFlight, long seed) {
    Loads loads = new Loads();
    HashRing ring = ringOver.apply(loads);
    int replicas = ring.replicas().size();
    SplittableRandom random = new SplittableRandom(seed);
    PriorityQueue<Departure> departures = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
    Map<String, Integer> most = new HashMap<>();
    Map<String, Long> served = new HashMap<>();
    String[] routedTo = new String[keys.length];
    long held = 0;
    long busiest = 0;
    // arrivals one time unit apart, each held for inFlight units on average: inFlight requests in flight in all
    for (int r = 0; r < keys.length; r++) {
      double at = r;
      while (!departures.isEmpty() && departures.peek().at() <= at) {
        loads.end(departures.poll().replica());
      }
      Replica replica = ring.route(keys[r]).orElseThrow();
      loads.begin(replica);
      most.merge(replica.name(), loads.of(replica.name()), Math::max);
      served.merge(replica.name(), 1L, Long::sum);
      routedTo[r] = replica.name();
      held += loads.total();
      busiest += ring.replicas().asList().stream().mapToInt(each -> loads.of(each.name())).max().orElse(0);
      departures.add(new Departure(at - inFlight * Math.log(1 - random.nextDouble()), replica));
    }
    return new Result(most, served, (double) held / keys.length / replicas, (double) busiest / keys.length, routedTo);
  }

  /** The share of requests that went to another replica in {@code after} than in {@code before}. */
  static double moved(Result before, Result after) {
    int moved = 0;
    for (int r = 0; r < before.routedTo().length; r++) {
      if (!before.routedTo()[r].equals(after.routedTo()[r])) {
        moved++;
      }
    }
    return (double) moved / before.routedTo().length;
  }
}
