package io.ringlb.analysis;

import io.ringlb.api.HashRing;
import io.ringlb.core.stats.KeyMovement;
import io.ringlb.core.stats.LoadDistribution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The distribution and movement figures straight from the strategies, in process and in
 * seconds: no servers, so far more keys and replicas than a live run can afford.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Route request ids on the strategies in process: A-1, A-2 and A-4 figures, and how they scale to many replicas.")
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--keys", defaultValue = "1000000", description = "request ids routed per ring (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--max-replicas", defaultValue = "1000", description = "the largest ring of the scaling figures (default: ${DEFAULT-VALUE})")
  int maxReplicas;

  @Option(names = "--seed", defaultValue = "42", description = "seed of the random request ids (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", defaultValue = "target/analysis/simulate", description = "the folder for charts, CSV and report.md (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() {
    Progress progress = new Progress(System.out, "simulate");
    long[] ids = Rings.requestIds(keys, seed);
    List<Scenario> scenarios = Scenario.comparison();
    Report report = new Report(out, "ringlb analysis: simulated",
        String.format("Every figure here routes %,d random 6-digit request ids (seed %d) on rings built in process, exactly as the "
            + "balancer builds them, with no servers. Replicas are S1..SN with ids 1..N.", keys, seed));

    a1(progress, report, scenarios, ids);
    a2AndA4(progress, report, scenarios, ids);
    scaling(progress, report, ids);
    skewed(progress, report);

    progress.step("report written to %s", report.write().toAbsolutePath());
    return 0;
  }

  /** the share of each of three replicas, per strategy. */
  private void a1(Progress progress, Report report, List<Scenario> scenarios, long[] ids) {
    List<String> replicas = List.of("S1", "S2", "S3");
    Map<String, List<? extends Number>> series = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      LoadDistribution load = LoadDistribution.of(Rings.of(scenario, 3), ids);
      progress.step("A-1 %s: %s", scenario.label(), load);
      series.put(scenario.label(), replicas.stream().map(name -> 100.0 * load.counts().get(name) / load.keys()).toList());
      rows.add(row(scenario.label(), load));
    }
    Charts.save(Charts.bars("A-1: share of requests per replica, N = 3", "replica", "% of requests", replicas, series), report.folder(), "a1-share-per-replica");
    report.section("A-1: three replicas",
            "The share of requests each of three replicas serves. A perfect spread is 33.3% each. The exercise's own functions "
                + "(classic) send most requests to one replica: H(i) = i^2 + 2i + 17 mod 512 lands past the last virtual server "
                + "for most ids, and the ring wraps to S1. The strategies that hash keys (ring, maglev, rendezvous) are within a few "
                + "percent of even.")
        .chart("a1-share-per-replica", "share of requests per replica at N = 3")
        .table("a1-share-per-replica", List.of("strategy", "S1", "S2", "S3", "max/mean", "cv"), rows);
  }

  private static List<String> row(String label, LoadDistribution load) {
    List<String> row = new ArrayList<>();
    row.add(label);
    load.counts().values().forEach(count -> row.add(String.format("%.1f%%", 100.0 * count / load.keys())));
    row.add(String.format("%.3f", load.maxOverMean()));
    row.add(String.format("%.3f", load.coefficientOfVariation()));
    return row;
  }

  /** average, least and most loaded replica for N = 2..6, for every scenario. */
  private void a2AndA4(Progress progress, Report report, List<Scenario> scenarios, long[] ids) {
    List<Integer> ns = IntStream.rangeClosed(2, 6).boxed().toList();
    Map<String, List<? extends Number>> spread = new LinkedHashMap<>();
    Map<String, List<? extends Number>> a2 = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      List<Double> maxOverMean = new ArrayList<>();
      List<Double> min = new ArrayList<>();
      List<Double> max = new ArrayList<>();
      for (int n : ns) {
        LoadDistribution load = LoadDistribution.of(Rings.of(scenario, n), ids);
        maxOverMean.add(load.maxOverMean());
        min.add(100.0 * load.min() / load.keys());
        max.add(100.0 * load.max() / load.keys());
        rows.add(List.of(scenario.label(), Integer.toString(n), pct(100.0 / n), pct(100.0 * load.min() / load.keys()),
            pct(100.0 * load.max() / load.keys()), String.format("%.3f", load.maxOverMean())));
      }
      progress.step("A-2/A-4 %s: max/mean for N = 2..6 %s", scenario.label(), maxOverMean.stream().map(v -> String.format("%.2f", v)).toList());
      spread.put(scenario.label(), maxOverMean);
      if (scenario.label().equals("classic (exercise)") || scenario.label().equals("ring")) {
        a2.put(scenario.label() + ": least loaded", min);
        a2.put(scenario.label() + ": most loaded", max);
      }
    }
    a2.put("average (100% / N)", ns.stream().map(n -> 100.0 / n).toList());
    Charts.save(Charts.lines("A-2: load per replica against N", "N, replicas", "% of requests", ns, a2), report.folder(), "a2-load-per-replica");
    Charts.save(Charts.lines("A-4: busiest replica over the mean, by hash functions and strategy", "N, replicas", "max / mean", ns, spread),
        report.folder(), "a4-max-over-mean");
    report.section("A-2: two to six replicas",
            "The average load per replica falls as 1/N; what matters is how far the least and the most loaded replicas stray "
                + "from it. With the exercise's functions the most loaded replica keeps most of the traffic whatever N is, because "
                + "the ids still pile up on the slot where the ring wraps; the default ring strategy tracks the average.")
        .chart("a2-load-per-replica", "least, average and most loaded replica against N")
        .section("A-4: other hash functions, other strategies",
            String.format("The busiest replica's load over the mean (1.0 is perfect) for the exercise's functions, three alternative "
                + "pairs of H and Phi in the same classic map, and the other strategies. Over N = 2..6 the exercise's functions give "
                + "%s; the alternative functions give %s: far better, still uneven, since 9 virtual servers a replica on 512 slots "
                + "leave arcs of very different lengths whatever the functions. Hashing keys and replicas with a 64-bit hash (ring, "
                + "with 1,024 points a replica; maglev; rendezvous) gives %s.",
                range(spread, "classic (exercise)"), range(spread, "classic linear", "classic Knuth", "classic cubic"),
                range(spread, "ring", "maglev", "rendezvous")))
        .chart("a4-max-over-mean", "max over mean load for N = 2..6, per strategy")
        .table("a2-a4-load-by-n", List.of("strategy", "N", "average", "least loaded", "most loaded", "max/mean"), rows);
  }

  /** How the strategies fare with many replicas: spread, keys moved by one more, build time. */
  private void scaling(Progress progress, Report report, long[] ids) {
    List<Integer> ns = IntStream.of(10, 100, 1_000, 10_000).filter(n -> n <= maxReplicas).boxed().toList();
    List<Scenario> scenarios = List.of(Scenario.comparison().get(0), Scenario.strategy("ring"), Scenario.strategy("maglev"), Scenario.strategy("rendezvous"));
    Map<String, List<? extends Number>> spread = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      List<Double> maxOverMean = new ArrayList<>();
      for (int n : ns) {
        long started = System.nanoTime();
        HashRing ring = Rings.of(scenario, n);
        double buildMs = (System.nanoTime() - started) / 1e6;
        LoadDistribution load = LoadDistribution.of(ring, ids);
        KeyMovement added = KeyMovement.between(ring, ring.withAll(Rings.replicas(n + 1, n + 1)), ids);
        maxOverMean.add(load.maxOverMean());
        rows.add(List.of(scenario.label(), Integer.toString(n), String.format("%.3f", load.maxOverMean()), String.format("%.4f", added.movedFraction()),
            String.format("%.4f", 1.0 / (n + 1)), String.format("%.4f", added.movedBetweenStayingFraction()), String.format("%.1f", buildMs)));
        progress.step("scaling %s N=%d: max/mean %.3f, one added moves %.4f (fair share %.4f)", scenario.label(), n, load.maxOverMean(),
            added.movedFraction(), 1.0 / (n + 1));
      }
      spread.put(scenario.label(), maxOverMean);
    }
    Charts.save(Charts.lines("Spread with many replicas", "N, replicas", "max / mean", ns, spread), report.folder(), "scaling-max-over-mean");
    report.section("Many replicas",
            "The same figures for large rings, which no live run of Liberty replicas on one machine could show. \"Moved\" is the "
                + "share of ids that change replica when one replica is added; consistent hashing keeps it near the newcomer's fair "
                + "share, 1/(N+1), and moves nothing between replicas that stay (maglev moves a little, by design). With many "
                + "replicas every replica holds few keys, so max/mean grows with N for any strategy.")
        .chart("scaling-max-over-mean", "max over mean load with many replicas")
        .table("scaling", List.of("strategy", "N", "max/mean", "moved when one is added", "fair share 1/(N+1)", "moved between staying", "build ms"), rows);
  }

  /**
   * A hot key and Zipf-distributed keys over three replicas, in flight: what bounded loads do to
   * the busiest replica, and what they cost in keys moved when a fourth joins.
   */
  private void skewed(Progress progress, Report report) {
    int requests = Math.min(keys, 200_000);
    long[] skewedKeys = new SkewedKeys(0.25, 100_000, 1.0, seed).next(requests);
    double inFlight = 30;
    List<String> replicas = List.of("S1", "S2", "S3");
    Map<String, List<? extends Number>> shares = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (String strategy : List.of("ring", "maglev")) {
      Scenario scenario = Scenario.strategy(strategy);
      for (int factor : new int[] {0, 150, 125}) {
        InFlightSimulation.Result three = InFlightSimulation.run(loads -> bounded(Rings.of(scenario, 3), loads, factor), skewedKeys, inFlight, seed);
        InFlightSimulation.Result four = InFlightSimulation.run(loads -> bounded(Rings.of(scenario, 4), loads, factor), skewedKeys, inFlight, seed);
        double moved = InFlightSimulation.moved(three, four);
        String label = strategy + (factor == 0 ? ", no bound" : ", factor " + factor);
        long busiest = three.served().values().stream().mapToLong(Long::longValue).max().orElse(0);
        rows.add(List.of(strategy, factor == 0 ? "off" : Integer.toString(factor), String.format("%.1f", three.meanPerReplica()),
            String.format("%.1f", three.busiestMean()), String.format("%.2f", three.busiestOverMean()), Integer.toString(three.maxInFlight()),
            pct(100.0 * busiest / requests), pct(100.0 * moved)));
        progress.step("skewed %s: a replica holds %.1f in flight on average, the busiest %.1f (%.2f x the mean, %d at most); the busiest "
            + "serves %.1f%% of requests; a fourth replica moves %.1f%%", label, three.meanPerReplica(), three.busiestMean(),
            three.busiestOverMean(), three.maxInFlight(), 100.0 * busiest / requests, 100.0 * moved);
        if (strategy.equals("ring")) {
          shares.put(label, replicas.stream().map(name -> 100.0 * three.served().getOrDefault(name, 0L) / requests).toList());
        }
      }
    }
    Charts.save(Charts.bars("A hot key over three replicas: share of requests", "replica", "% of requests", replicas, shares), report.folder(),
        "skewed-share-per-replica");
    report.section("A hot key, and bounded loads",
            String.format("%,d requests whose keys are skewed as real traffic is: one hot key asked for by 25%% of them, the rest "
                + "Zipf-distributed (exponent 1) over 100,000 keys. Requests arrive one at a time and each is held for an exponentially "
                + "distributed time, 30 in flight on average over the three replicas (10 each), so a replica's in-flight count is what "
                + "the balancer's bound reads. \"Busiest\" is whichever replica holds most at each moment, averaged "
                + "over the run. Without a bound the hot key's replica holds far more than the others; with lb.balance-factor a "
                + "replica takes a request only while it holds at most the factor times the mean of that moment (rounded up), and "
                + "the hot key's excess spills to the next replicas of its ring order. The price is affinity: requests move between replicas as loads change, so more of "
                + "them change replica when a fourth joins (\"moved\", the same requests routed on four replicas).", requests))
        .chart("skewed-share-per-replica", "share of requests per replica with a hot key, with and without bounded loads")
        .table("skewed-in-flight", List.of("strategy", "balance factor", "mean in flight a replica", "busiest replica in flight",
            "busiest/mean", "most on one replica", "busiest replica's requests", "moved when a fourth joins"), rows);
  }

  private static HashRing bounded(HashRing ring, io.ringlb.core.routing.Loads loads, int factor) {
    return factor == 0 ? ring : new io.ringlb.core.routing.BoundedLoadRing(ring, loads, factor);
  }

  /** "1.20 to 1.60": the smallest and largest value of the named series. */
  static String range(Map<String, List<? extends Number>> series, String... names) {
    java.util.DoubleSummaryStatistics all = new java.util.DoubleSummaryStatistics();
    for (String name : names) {
      series.get(name).forEach(value -> all.accept(value.doubleValue()));
    }
    return String.format("%.2f to %.2f", all.getMin(), all.getMax());
  }

  private static String pct(double value) {
    return String.format("%.1f%%", value);
  }
}
