package io.ringlb.analysis;

import io.ringlb.core.stats.LoadDistribution;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The exercise's part A against a live balancer and its real replicas. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Against a live balancer: the one at --url, or the project's own started here (then A-4 too, one balancer per strategy).")
final class RunCommand implements Callable<Integer> {

  @Option(names = "--url", description = "a running balancer; without it, one is started from --wlp and --war")
  URI url;

  @Option(names = "--admin-url", description = "the admin endpoint of the balancer at --url, where its readiness is read (default: --url's host, port "
      + LiveBalancer.DEFAULT_ADMIN_PORT + ")")
  URI adminUrl;

  @Option(names = "--admin-token", description = "the lb.admin.token of the balancer at --url, for the parts that call /add and /rm")
  String adminToken;

  @Option(names = "--wlp", defaultValue = "lb-webapp/target/liberty/wlp", description = "the built balancer server (default: ${DEFAULT-VALUE})")
  Path wlp;

  @Option(names = "--war", defaultValue = "lb-webapp/target/lb-webapp.war", description = "the balancer WAR (default: ${DEFAULT-VALUE})")
  Path war;

  @Option(names = "--requests", defaultValue = "10000", description = "requests per measurement (default: ${DEFAULT-VALUE})")
  int requests;

  @Option(names = "--concurrency", defaultValue = "64", description = "requests in flight at once (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--failure-seconds", defaultValue = "25", description = "length of the A-3 failure run (default: ${DEFAULT-VALUE})")
  int failureSeconds;

  @Option(names = "--only", split = ",", defaultValue = "a1,a2,a3,a4,hot,weights,slow-start",
      description = "the parts to run (default: ${DEFAULT-VALUE}); hot, weights and slow-start send each request's key as ?key=, so a "
          + "balancer at --url must run with lb.key=" + KeyedLoad.KEY_SETTING)
  Set<String> parts;

  @Option(names = "--seed", defaultValue = "42", description = "seed of the keys of hot, weights and slow-start (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", defaultValue = "target/analysis/run", description = "the folder for charts, CSV and report.md (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--set", description = "an lb.* property for the balancer started here, e.g. --set lb.strategy=maglev")
  Map<String, String> settings = new LinkedHashMap<>();

  /**
   * Heartbeats may take a second: on a small machine a replica answering 1,000 requests a second
   * beside four others can miss 250 ms and be replaced mid-measurement, and the distribution
   * figures would then measure the machine rather than the strategy.
   */
  static final Map<String, String> ANALYSIS_SETTINGS = Map.of("lb.heartbeat.timeout-ms", "1000");

  private Progress progress;
  private Report report;

  @Override
  public Integer call() throws Exception {
    progress = new Progress(System.out, "run");
    report = new Report(out, "ringlb analysis: live",
        String.format("Measured on a live balancer (%s) and its real replicas: %,d requests of `GET /home` per measurement, %d in "
            + "flight at once. Each request carries a random 6-digit request id, the exercise's key.",
            url != null ? url : "the project's own, started by this command with replicas as local Liberty processes and a 1 s "
                + "heartbeat timeout", requests, concurrency)
            + " Replicas added for a measurement get 2,000 requests to warm up, and the ring must hold still for 2 s, before it starts.");
    if (parts.contains("a1") || parts.contains("a2") || parts.contains("a3")) {
      try (LiveBalancer balancer = url != null ? LiveBalancer.at(url, adminUrl, adminToken) : started(settings)) {
        if (parts.contains("a1")) {
          a1(balancer);
        }
        if (parts.contains("a2")) {
          a2(balancer);
        }
        if (parts.contains("a3")) {
          a3(balancer);
        }
      }
    }
    if (parts.contains("a4") && url == null) {
      a4();
    }
    LiveBalancing balancing = new LiveBalancing(progress, report, url != null ? ignored -> LiveBalancer.at(url, adminUrl, adminToken) : this::started,
        url == null, requests, seed);
    if (parts.contains("hot")) {
      balancing.hotKey();
    }
    if (parts.contains("weights")) {
      balancing.weights();
    }
    if (parts.contains("slow-start")) {
      balancing.slowStart();
    }
    progress.step("report written to %s", report.write().toAbsolutePath());
    return 0;
  }

  private LiveBalancer started(Map<String, String> properties) throws Exception {
    Files.createDirectories(out);
    progress.step("starting the balancer %s", properties.isEmpty() ? "with its defaults" : properties);
    Map<String, String> all = new LinkedHashMap<>(ANALYSIS_SETTINGS);
    all.putAll(this.settings);
    all.putAll(properties);
    LiveBalancer balancer = LiveBalancer.start(wlp, war, all, out.resolve("balancer.log"));
    try {
      balancer.awaitInRing(3, Duration.ofMinutes(4));
    } catch (RuntimeException notReady) {
      balancer.close(); // with its replicas: a failed start leaves nothing running
      throw notReady;
    }
    progress.step("3 replicas in the ring at %s", balancer.data());
    return balancer;
  }

  /** how three replicas share the requests. */
  private void a1(LiveBalancer balancer) {
    LoadDistribution load = burst(balancer, "A-1");
    List<String> names = List.copyOf(load.counts().keySet());
    Charts.save(Charts.bars("A-1: requests per replica, N = " + names.size(), "replica", "requests", names,
        Map.of("requests", names.stream().map(load.counts()::get).toList())), report.folder(), "a1-requests-per-replica");
    report.section("A-1: requests per replica",
            String.format("%,d requests to %d replicas: the busiest served %.3f times the mean (1.0 is a perfect spread), the "
                + "coefficient of variation is %.3f. Random request ids reach every replica, in shares that depend on the strategy.",
                load.keys(), names.size(), load.maxOverMean(), load.coefficientOfVariation()))
        .chart("a1-requests-per-replica", "requests per replica")
        .table("a1-requests-per-replica", List.of("replica", "requests", "share"),
            names.stream().map(name -> List.of(name, Integer.toString(load.counts().get(name)), String.format("%.1f%%", 100.0 * load.counts().get(name) / load.keys()))).toList());
  }

  /** N = 2..6 through /add and /rm, the load per replica at each. */
  private void a2(LiveBalancer balancer) {
    List<Integer> ns = IntStream.rangeClosed(2, 6).boxed().toList();
    List<Double> min = new ArrayList<>();
    List<Double> max = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (int n : ns) {
      LoadDistribution load = burstAt(balancer, n, "A-2");
      min.add((double) load.min());
      max.add((double) load.max());
      rows.add(List.of(Integer.toString(n), String.format("%.0f", load.mean()), Integer.toString(load.min()), Integer.toString(load.max()),
          String.format("%.3f", load.maxOverMean())));
    }
    balancer.resize(3);
    Map<String, List<? extends Number>> series = new LinkedHashMap<>();
    series.put("least loaded", min);
    series.put("average", ns.stream().map(n -> (double) requests / n).toList());
    series.put("most loaded", max);
    Charts.save(Charts.lines("A-2: requests per replica against N", "N, replicas", "requests", ns, series), report.folder(), "a2-load-per-replica");
    report.section("A-2: two to six replicas",
            "The replicas were added and removed through `/add` and `/rm`, and each N got the same number of requests. The "
                + "average falls as 1/N; the gap between the least and the most loaded replica is the strategy's unevenness.")
        .chart("a2-load-per-replica", "least, average and most loaded replica against N")
        .table("a2-load-per-replica", List.of("N", "average", "least loaded", "most loaded", "max/mean"), rows);
  }

  /** every endpoint, then a replica killed while requests flow. */
  private void a3(LiveBalancer balancer) {
    List<List<String>> calls = new ArrayList<>();
    for (String[] call : new String[][] {
        {"GET", "/rep", null, "200"}, {"GET", "/home", null, "200"}, {"GET", "/heartbeat", null, "200"}, {"GET", "/other", null, "400"},
        {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"S8\", \"S9\"]}", "400"}, {"POST", "/add", "{\"n\": \"x\"}", "400"},
        {"POST", "/add", "{", "400"}, {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"S1\"]}", "400"},
        {"DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S1\", \"S2\"]}", "400"}, {"DELETE", "/rm", "{\"n\": 99}", "400"},
        {"POST", "/rep", null, "405"}, {"GET", "admin /health/ready", null, "200"}}) {
      // the balancer's own health answers on the admin port; the data port passes /health to a replica
      boolean admin = call[1].startsWith("admin ");
      String path = call[1].replace("admin ", "");
      HttpResponse<String> response = admin ? balancer.send(balancer.admin(), call[0], path, null) : balancer.send(call[0], path, call[2]);
      calls.add(List.of(call[0] + " " + call[1], call[2] == null ? "" : call[2], Integer.toString(response.statusCode()), call[3],
          response.body().length() > 90 ? response.body().substring(0, 90) + "..." : response.body()));
    }
    calls.add(List.of("POST /add", "{\"n\": 1, \"hostnames\": [\"S9\"]}", Integer.toString(balancer.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S9\"]}").statusCode()), "200", ""));
    calls.add(List.of("DELETE /rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}", Integer.toString(balancer.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}").statusCode()), "200", ""));
    progress.step("A-3: %d endpoint calls, %d as expected", calls.size(), calls.stream().filter(row -> row.get(2).equals(row.get(3))).count());

    Failure failure = killUnderLoad(balancer);
    Map<String, List<? extends Number>> counts = new LinkedHashMap<>();
    counts.put("succeeded", failure.timeline.successes());
    counts.put("failed", failure.timeline.failures());
    XYChart requestsChart = Charts.lines("A-3: requests per 100 ms while a replica is killed", "seconds", "requests", failure.timeline.seconds(), counts);
    XYChart latencyChart = Charts.lines("A-3: mean latency per 100 ms", "seconds", "ms", failure.timeline.seconds(),
        Map.of("mean latency", failure.timeline.meanLatencyMillis()));
    double topRequests = failure.timeline.successes().stream().mapToLong(Long::longValue).max().orElse(1);
    double topLatency = failure.timeline.meanLatencyMillis().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    for (XYChart chart : List.of(requestsChart, latencyChart)) {
      double top = chart == requestsChart ? topRequests : topLatency;
      chart.getStyler().setMarkerSize(0);
      // labels at three heights: the kill and the detection are often milliseconds apart
      mark(chart, failure.killedAt, 0.55 * top, "kill");
      mark(chart, failure.detectedAt, 0.40 * top, "out of ring");
      mark(chart, failure.replacedAt, 0.55 * top, "replaced");
    }
    Charts.save(requestsChart, report.folder(), "a3-timeline-requests");
    Charts.save(latencyChart, report.folder(), "a3-timeline-latency");
    report.section("A-3: every endpoint, and a replica killed",
            "Every endpoint of the balancer, with its error cases; each answered with the expected status.")
        .table("a3-endpoints", List.of("call", "body", "status", "expected", "answer"), calls)
        .section("A-3: failure",
            String.format("Requests at a steady 200 a second; %.1f s in, replica %s was killed (SIGKILL, through its provider). "
                + "The balancer took it out of the ring %.0f ms later and had a new %s in the ring %.1f s after the kill. Of %,d "
                + "requests, %d failed: requests that met the dead replica were retried on the next one of the ring.",
                failure.killedAt, failure.victim, (failure.detectedAt - failure.killedAt) * 1000, failure.victim,
                failure.replacedAt - failure.killedAt, failure.sent, failure.failed))
        .chart("a3-timeline-requests", "successes and failures per 100 ms, with the kill, the detection and the replacement marked")
        .chart("a3-timeline-latency", "mean latency per 100 ms");
  }

  private record Failure(String victim, Timeline timeline, double killedAt, double detectedAt, double replacedAt, long sent, long failed) {}

  private Failure killUnderLoad(LiveBalancer balancer) {
    List<String> names = balancer.replicas();
    String victim = names.size() > 1 ? names.get(1) : names.get(0);
    long start = System.nanoTime();
    Timeline timeline = new Timeline(start, failureSeconds * 10);
    LongAdder failed = new LongAdder();
    LongAdder done = new LongAdder();
    SteadyLoad load = SteadyLoad.start(balancer.http(), balancer.data().resolve("/home"), 200, (sentAt, response, error) -> {
      boolean ok = error == null && response.statusCode() == 200;
      timeline.record(sentAt, System.nanoTime() - sentAt, ok);
      if (!ok) {
        failed.increment();
      }
      done.increment();
    });
    AtomicLong killed = new AtomicLong();
    AtomicLong detected = new AtomicLong();
    AtomicLong replaced = new AtomicLong();
    try {
      LiveBalancer.sleep(failureSeconds * 200L);
      killed.set(System.nanoTime());
      String how = Kill.replica(victim, LiveBalancer.replicasDir(wlp));
      progress.step("A-3: killed %s (%s) under 200 requests/s", victim, how);
      int ringBefore = names.size();
      while (System.nanoTime() - start < failureSeconds * 1_000_000_000L) {
        int inRing = balancer.inRing().orElse(-1);
        long now = System.nanoTime();
        if (detected.get() == 0 && inRing >= 0 && inRing < ringBefore) {
          detected.set(now);
        } else if (detected.get() != 0 && replaced.get() == 0 && inRing == ringBefore) {
          replaced.set(now);
        }
        LiveBalancer.sleep(20);
      }
    } finally {
      load.close();
    }
    try {
      if (!load.awaitAnswers(Duration.ofSeconds(60))) {
        throw new IllegalStateException("A-3: requests still unanswered 60 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (replaced.get() == 0) {
      balancer.awaitInRing(names.size(), Duration.ofMinutes(3));
      replaced.set(System.nanoTime());
    }
    Failure failure = new Failure(victim, timeline, seconds(killed.get(), start), seconds(detected.get(), start), seconds(replaced.get(), start),
        done.sum(), failed.sum());
    progress.step("A-3: out of the ring %.0f ms after the kill, replaced after %.1f s; %d of %d requests failed",
        (failure.detectedAt - failure.killedAt) * 1000, failure.replacedAt - failure.killedAt, failure.failed, failure.sent);
    return failure;
  }

  private static double seconds(long nanos, long start) {
    return (nanos - start) / 1e9;
  }

  private static void mark(XYChart chart, double seconds, double y, String label) {
    chart.addAnnotation(new AnnotationLine(seconds, true, false));
    chart.addAnnotation(new AnnotationText(label, seconds, y, false));
  }

  /** A-4: A-1 and A-2 again, one balancer per strategy and pair of hash functions. */
  private void a4() throws Exception {
    List<Integer> ns = IntStream.rangeClosed(2, 6).boxed().toList();
    Map<String, List<? extends Number>> spread = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (Scenario scenario : Scenario.comparison()) {
      List<Double> maxOverMean = new ArrayList<>();
      try (LiveBalancer balancer = started(scenario.properties())) {
        for (int n : ns) {
          LoadDistribution load = burstAt(balancer, n, "A-4 " + scenario.label());
          maxOverMean.add(load.maxOverMean());
          rows.add(List.of(scenario.label(), Integer.toString(n), String.format("%.3f", load.maxOverMean()), String.format("%.3f", load.coefficientOfVariation())));
        }
      }
      spread.put(scenario.label(), maxOverMean);
    }
    Charts.save(Charts.lines("A-4: busiest replica over the mean, live", "N, replicas", "max / mean", ns, spread), report.folder(), "a4-max-over-mean");
    report.section("A-4: other hash functions, other strategies",
            String.format("A-1 and A-2 again on a balancer started for each: the exercise's functions give a max/mean of %s over "
                + "N = 2..6, the three alternative pairs of H and Phi %s, the hashing strategies %s.",
                SimulateCommand.range(spread, "classic (exercise)"), SimulateCommand.range(spread, "classic linear", "classic Knuth", "classic cubic"),
                SimulateCommand.range(spread, "ring", "maglev", "rendezvous")))
        .chart("a4-max-over-mean", "max over mean load for N = 2..6, per strategy")
        .table("a4-max-over-mean", List.of("strategy", "N", "max/mean", "cv"), rows);
  }

  private LoadDistribution burstAt(LiveBalancer balancer, int n, String part) {
    balancer.resize(n);
    return burst(balancer, part + " N=" + n);
  }

  /** {@link #requests} requests, {@link #concurrency} at a time, counted per replica. */
  private LoadDistribution burst(LiveBalancer balancer, String what) {
    Tally tally = new Tally();
    Semaphore inFlight = new Semaphore(concurrency);
    HttpRequest home = HttpRequest.newBuilder(balancer.data().resolve("/home")).timeout(Duration.ofSeconds(30)).build();
    long started = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      inFlight.acquireUninterruptibly();
      balancer.http().sendAsync(home, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        if (failure != null) {
          tally.failed(failure);
        } else {
          tally.record(response.statusCode(), response.body());
        }
        inFlight.release();
      });
    }
    inFlight.acquireUninterruptibly(concurrency);
    double seconds = (System.nanoTime() - started) / 1e9;
    LoadDistribution load = new LoadDistribution(tally.counts(), requests - tally.failures.size());
    progress.step("%s: %,d requests in %.1f s (%.0f/s), %d failed; %s", what, requests, seconds, requests / seconds, tally.failures.size(), load);
    if (!tally.failures.isEmpty()) {
      throw new IllegalStateException(what + ": " + tally.failures.size() + " requests failed, the first: " + tally.failures.get(0));
    }
    return load;
  }
}
