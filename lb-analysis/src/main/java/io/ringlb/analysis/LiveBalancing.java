package io.ringlb.analysis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Balancing beyond the exercise, measured on a live balancer and its real replicas through the
 * data port (SPEC section 8): a hot key with and without bounded loads, a weighted fleet, and a
 * replica's slow start. Requests carry their key as {@code ?key=}; the project's own balancer is
 * started for each part with the settings it measures, one given at {@code --url} is measured
 * as it runs (it must hash by {@link KeyedLoad#KEY_SETTING}).
 */
final class LiveBalancing {

  /** The balancer for a part: one started with {@code settings}, or the one at {@code --url}, which keeps its own. */
  @FunctionalInterface
  interface Balancers {
    LiveBalancer open(Map<String, String> settings) throws Exception;
  }

  /** Requests in flight at once, over three replicas: 10 each on average, as in the simulation. */
  static final int HOT_IN_FLIGHT = 30;
  /** How long a replica takes to answer: long enough that requests pile up on a replica, not in the client or the balancer. */
  static final int HOT_DELAY_MS = 40;
  static final int[] FACTORS = {0, 125};
  static final String WEIGHTS = "S1=2,S2=1,S3=1";
  static final int NEWCOMER_WEIGHT = 2;
  static final int SLOW_START_MS = 10_000;
  private static final int SLOW_START_IN_FLIGHT = 8;
  private static final int SLOW_START_DELAY_MS = 20;

  private final Progress progress;
  private final Report report;
  private final Balancers balancers;
  /** Whether each part's balancer is started here with its settings, rather than given. */
  private final boolean own;
  private final int requests;
  private final long seed;

  LiveBalancing(Progress progress, Report report, Balancers balancers, boolean own, int requests, long seed) {
    this.progress = progress;
    this.report = report;
    this.balancers = balancers;
    this.own = own;
    this.requests = requests;
    this.seed = seed;
  }

  /**
   * A hot key (a quarter of the requests) and Zipf-distributed keys over three slow replicas,
   * without a bound and with factor 125; then the same requests once a fourth replica has joined.
   */
  void hotKey() throws Exception {
    long[] keys = new SkewedKeys(0.25, 100_000, 1.0, seed).next(requests);
    List<List<String>> rows = new ArrayList<>();
    Map<String, List<? extends Number>> shares = new LinkedHashMap<>();
    List<String> names = List.of();
    for (int factor : own ? FACTORS : new int[] {-1}) {
      String label = factor < 0 ? "as configured" : factor == 0 ? "no bound" : "factor " + factor;
      try (LiveBalancer balancer = balancers.open(Map.of("lb.key", KeyedLoad.KEY_SETTING, "lb.balance-factor", Integer.toString(factor)))) {
        names = balancer.replicas();
        balancer.warmUp();
        InFlightSimulation.Result three = ObservedInFlight.of(KeyedLoad.send(balancer, keys, HOT_IN_FLIGHT, HOT_DELAY_MS), names);
        balancer.resize(names.size() + 1);
        List<String> grown = balancer.replicas();
        InFlightSimulation.Result four = ObservedInFlight.of(KeyedLoad.send(balancer, keys, HOT_IN_FLIGHT, HOT_DELAY_MS), grown);
        if (!own) {
          balancer.resize(names.size());
        }
        double moved = InFlightSimulation.moved(three, four);
        long busiest = three.served().values().stream().mapToLong(Long::longValue).max().orElse(0);
        String bound = factor > 0 ? Long.toString(ceilDiv((long) factor * HOT_IN_FLIGHT, 100L * names.size())) : "none";
        rows.add(List.of(label, String.format("%.1f", three.meanPerReplica()), String.format("%.1f", three.busiestMean()),
            String.format("%.2f", three.busiestOverMean()), Integer.toString(three.maxInFlight()), bound,
            pct(100.0 * busiest / keys.length), pct(100.0 * moved)));
        List<String> measured = names;
        shares.put(label, measured.stream().map(name -> 100.0 * three.served().getOrDefault(name, 0L) / keys.length).toList());
        progress.step("hot key, %s: a replica held %.1f in flight on average, the busiest %.1f (%.2f x the mean, %d at most); the busiest "
            + "served %.1f%%; a fourth replica moved %.1f%% of the requests", label, three.meanPerReplica(), three.busiestMean(),
            three.busiestOverMean(), three.maxInFlight(), 100.0 * busiest / keys.length, 100.0 * moved);
      }
    }
    Charts.save(Charts.bars("A hot key over three replicas, live: share of requests", "replica", "% of requests", names, shares),
        report.folder(), "hot-share-per-replica");
    report.section("A hot key, and bounded loads",
            String.format("%,d requests whose keys are skewed as in the simulation (a quarter for one hot key, the rest Zipf-distributed "
                + "over 100,000 keys), sent as `GET /home?key=K&delay-ms=%d` with %d in flight at once: each replica answers %d ms "
                + "later, so requests pile up on a replica as they do on one doing real work. The balancer hashes by the key "
                + "(`lb.key=%s`)%s. In flight per replica is the client's view, read at each request's sending: a request counts "
                + "for the replica that answered it from its sending to its answer. \"Bound\" is what the balancer allows a replica: "
                + "factor x the requests in flight / 3, rounded up; the client's view can pass it by the answers on their way back. "
                + "\"Moved\" is the share of the same requests that went to another replica once a fourth had joined.",
                keys.length, HOT_DELAY_MS, HOT_IN_FLIGHT, HOT_DELAY_MS, KeyedLoad.KEY_SETTING,
                own ? ", once without a bound and once with `lb.balance-factor=125`, each on a balancer started for it" : ""))
        .chart("hot-share-per-replica", "share of requests per replica with a hot key, with and without bounded loads")
        .table("hot-in-flight", List.of("balance factor", "mean in flight a replica", "busiest replica in flight", "busiest/mean",
            "most on one replica", "bound", "busiest replica's requests", "moved when a fourth joins"), rows);
  }

  /** Three replicas weighted 2:1:1, then a fourth added through {@code /add} with weight 2. */
  void weights() throws Exception {
    long[] keys = new SplittableRandom(seed).longs(requests, 0, 1_000_000).toArray();
    try (LiveBalancer balancer = balancers.open(Map.of("lb.key", KeyedLoad.KEY_SETTING, "lb.weights", WEIGHTS))) {
      balancer.warmUp();
      List<String> names = balancer.replicas();
      Map<String, Integer> weights = own ? parseWeights(WEIGHTS, names) : Map.of();
      Map<String, Long> three = served(balancer, keys);
      String newcomer = nextName(names);
      String body = String.format("{\"n\": 1, \"hostnames\": [\"%s\"], \"weights\": {\"%s\": %d}}", newcomer, newcomer, NEWCOMER_WEIGHT);
      HttpResponse<String> added = balancer.send("POST", "/add", body);
      if (added.statusCode() != 200) {
        progress.step("weights: /add with a weight was refused: %d %s", added.statusCode(), added.body());
        report.section("Weights", "`POST /add` " + body + " was refused: " + added.statusCode() + " " + added.body());
        return;
      }
      balancer.awaitInRing(names.size() + 1, Duration.ofMinutes(4));
      balancer.warmUp();
      Map<String, Long> four = served(balancer, keys);
      if (!own) {
        balancer.resize(names.size());
      }
      Map<String, Integer> grownWeights = new LinkedHashMap<>(weights);
      if (own) {
        grownWeights.put(newcomer, NEWCOMER_WEIGHT);
      }
      List<String> all = new ArrayList<>(names);
      all.add(newcomer);
      List<List<String>> rows = new ArrayList<>();
      Map<String, List<? extends Number>> series = new LinkedHashMap<>();
      double worst = 0;
      for (Shares fleet : List.of(new Shares(names.size() + " replicas", names, weights, three),
          new Shares("with " + newcomer + " (weight " + NEWCOMER_WEIGHT + ")", all, grownWeights, four))) {
        series.put(fleet.label + ", measured", all.stream().map(fleet::measured).toList());
        if (own) {
          series.put(fleet.label + ", by weight", all.stream().map(fleet::expected).toList());
        }
        for (String name : fleet.replicas) {
          rows.add(List.of(fleet.label, name, own ? Integer.toString(fleet.weights.get(name)) : "as configured",
              own ? pct(fleet.expected(name)) : "", pct(fleet.measured(name))));
          if (own) {
            worst = Math.max(worst, Math.abs(fleet.measured(name) - fleet.expected(name)));
          }
        }
      }
      Charts.save(Charts.bars("Weighted replicas, live: share of requests", "replica", "% of requests", all, series), report.folder(),
          "weights-share-per-replica");
      progress.step("weights: %s", rows.stream().map(row -> row.get(1) + " " + row.get(4)).collect(Collectors.joining(", ")));
      report.section("Weights",
              String.format("%,d requests with random 6-digit keys, %s; then `POST /add` with `%s` and the same requests again. A "
                  + "replica's share of keys follows its weight%s.", keys.length,
                  own ? "on a balancer started with `lb.weights=" + WEIGHTS + "`" : "on the balancer as configured", body,
                  own ? String.format(": the furthest from its share by weight was %.1f points", worst) : ""))
          .chart("weights-share-per-replica", "share of requests per replica, by weight and measured")
          .table("weights", List.of("fleet", "replica", "weight", "share by weight", "measured"), rows);
    }
  }

  /** How a fleet shared the requests, against its weights. */
  private record Shares(String label, List<String> replicas, Map<String, Integer> weights, Map<String, Long> served) {

    double measured(String name) {
      long all = served.values().stream().mapToLong(Long::longValue).sum();
      return 100.0 * served.getOrDefault(name, 0L) / all;
    }

    double expected(String name) {
      int all = weights.values().stream().mapToInt(Integer::intValue).sum();
      return 100.0 * weights.getOrDefault(name, 0) / all;
    }
  }

  /**
   * A replica joins under steady load; its share of the requests, second by second, against the
   * linear ramp over {@code lb.slow-start-ms} to the share it then keeps.
   */
  void slowStart() throws Exception {
    try (LiveBalancer balancer = balancers.open(Map.of("lb.key", KeyedLoad.KEY_SETTING, "lb.slow-start-ms", Integer.toString(SLOW_START_MS)))) {
      balancer.warmUp();
      List<String> names = balancer.replicas();
      SplittableRandom random = new SplittableRandom(seed); // drawn from on the load's one sending thread
      List<KeyedLoad.Answer> answers;
      long joined = 0;
      try (KeyedLoad load = KeyedLoad.start(balancer, i -> random.nextLong(1_000_000), SLOW_START_IN_FLIGHT, SLOW_START_DELAY_MS)) {
        LiveBalancer.sleep(3_000);
        CompletableFuture<HttpResponse<String>> added = CompletableFuture.supplyAsync(() -> balancer.send("POST", "/add", "{\"n\": 1}"));
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (balancer.inRing().orElse(-1) <= names.size()) {
          if (System.nanoTime() > deadline || added.isDone() && added.join().statusCode() != 200) {
            throw new IllegalStateException("the replica added for slow start did not join the ring: " + (added.isDone() ? added.join().body() : "no answer"));
          }
          LiveBalancer.sleep(20);
        }
        joined = System.nanoTime();
        LiveBalancer.sleep(SLOW_START_MS * 3L / 2);
        load.close();
        answers = load.answers();
        added.join();
      }
      String newcomer = balancer.replicas().stream().filter(name -> !names.contains(name)).findFirst().orElseThrow();
      if (!own) {
        balancer.resize(names.size());
      }
      SlowStartTimeline timeline = SlowStartTimeline.of(answers, newcomer, joined, SLOW_START_MS);
      Map<String, List<? extends Number>> series = new LinkedHashMap<>();
      series.put(newcomer + ", measured", timeline.shares());
      series.put("linear ramp to its full share", timeline.ramp());
      Charts.save(Charts.lines("Slow start, live: the newcomer's share of requests", "seconds since it joined the ring", "% of requests",
          timeline.seconds(), series), report.folder(), "slow-start-share");
      progress.step("slow start: %s took %.1f%% in its first second, %.1f%% at half time, %.1f%% once the ramp was over", newcomer,
          timeline.shareAt(0.5), timeline.shareAt(SLOW_START_MS / 2000.0), timeline.fullShare());
      report.section("Slow start",
              String.format("Random keys, %d in flight, each answered %d ms later; 3 s in, `POST /add` a replica. %s %s's share of the "
                  + "requests per second since it joined the ring, against a straight line from 0 to the share it keeps afterwards (%.1f%%): "
                  + "slow start admits a key to the newcomer once the ramp passes that key's fixed point, so its share rises "
                  + "with the time elapsed and no key flaps back and forth.",
                  SLOW_START_IN_FLIGHT, SLOW_START_DELAY_MS,
                  own ? "The balancer was started with `lb.slow-start-ms=" + SLOW_START_MS + "`." : "The balancer as configured.",
                  newcomer, timeline.fullShare()))
          .chart("slow-start-share", "the newcomer's share per second against the linear ramp")
          .table("slow-start", List.of("second since it joined", "requests", newcomer + "'s share", "ramp"), timeline.rows());
    }
  }

  private static Map<String, Long> served(LiveBalancer balancer, long[] keys) {
    return KeyedLoad.send(balancer, keys, 64, 0).stream().collect(Collectors.groupingBy(KeyedLoad.Answer::replica, Collectors.counting()));
  }

  /** {@code S1=2,S2=1} as a map over {@code names}, each replica it does not name weighing 1. */
  static Map<String, Integer> parseWeights(String weights, List<String> names) {
    Map<String, Integer> parsed = new LinkedHashMap<>();
    names.forEach(name -> parsed.put(name, 1));
    for (String pair : weights.split(",")) {
      String[] nameAndWeight = pair.split("=");
      parsed.computeIfPresent(nameAndWeight[0].strip(), (name, one) -> Integer.parseInt(nameAndWeight[1].strip()));
    }
    return parsed;
  }

  /** {@code S<n+1>} for the highest {@code S<n>} in use. */
  static String nextName(List<String> names) {
    TreeSet<Long> numbers = names.stream().map(name -> name.replaceAll("\\D", "")).filter(digits -> !digits.isEmpty())
        .map(Long::parseLong).collect(Collectors.toCollection(TreeSet::new));
    return "S" + (numbers.isEmpty() ? 1 : numbers.last() + 1);
  }

  private static long ceilDiv(long dividend, long divisor) {
    return (dividend + divisor - 1) / divisor;
  }

  private static String pct(double percent) {
    return String.format("%.1f%%", percent);
  }
}
