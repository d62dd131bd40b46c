package io.ringlb.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ringlb beside HAProxy and nginx on the same replicas, loaded by the same wrk: requests per
 * second, latency percentiles, CPU per request and memory, with the replicas hit directly as
 * the upper limit.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Runs the same replicas behind HAProxy, nginx and ringlb, loads each with wrk, and writes the comparison.")
final class CompareCommand implements Callable<Integer> {

  static final String BEGIN = "<!-- compare:begin -->";
  static final String END = "<!-- compare:end -->";

  @Option(names = "--wlp", defaultValue = "lb-webapp/target/liberty/wlp", description = "the built balancer server (default: ${DEFAULT-VALUE})")
  Path wlp;

  @Option(names = "--war", defaultValue = "lb-webapp/target/lb-webapp.war", description = "the balancer WAR (default: ${DEFAULT-VALUE})")
  Path war;

  @Option(names = "--replicas", defaultValue = "3", description = "replicas shared by every contender (default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--connections", split = ",", defaultValue = "64,256",
      description = "wrk's open connections, one comparison for each (default: ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--threads", defaultValue = "2", description = "wrk's threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--duration", defaultValue = "20", description = "seconds of measured load per contender and round (default: ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--rounds", defaultValue = "3",
      description = "measurements per contender and number of connections, every contender once a round, the order changing each round (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--warmup", defaultValue = "30",
      description = "seconds of load per contender before the rounds at each number of connections, not counted (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--idle-window", defaultValue = "20",
      description = "seconds, after the first warm-up, over which the CPU of every contender left idle is measured (default: ${DEFAULT-VALUE})")
  int idleWindow;

  @Option(names = "--event-loops", description = "ringlb's data-plane event loops (lb.event-loops); without it, the balancer's default")
  Integer eventLoops;

  @Option(names = "--out", defaultValue = "target/analysis/compare", description = "the folder for report.md, CSV, charts and the balancers' configurations (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--work", defaultValue = "target/compare-work", description = "the folder for logs and the replicas' files (default: ${DEFAULT-VALUE})")
  Path work;

  @Option(names = "--doc", description = "a Markdown file whose section between " + BEGIN + " and " + END + " gets the comparison, e.g. docs/benchmarks.md")
  Path doc;

  private Progress progress;

  @Override
  public Integer call() throws Exception {
    progress = new Progress(System.out, "compare");
    Files.createDirectories(out);
    Files.createDirectories(work);
    List<String> setup = new ArrayList<>(setup());
    List<Comparison> comparisons = new ArrayList<>();
    progress.step("starting %d replicas", replicas);
    try (LocalReplicas shared = LocalReplicas.start(wlp, replicas, work.resolve("replicas").toAbsolutePath(), Duration.ofMinutes(3))) {
      List<Supplier<Contender>> starting = List.of(
          () -> Contenders.direct(shared.urls()),
          () -> Contenders.haproxy(shared.urls(), out, work),
          () -> Contenders.nginx(shared.urls(), out, work),
          () -> Contenders.ringlb(shared.urls(), wlp, war, work, eventLoops == null ? OptionalInt.empty() : OptionalInt.of(eventLoops)));
      List<Contender> contenders = new ArrayList<>();
      try {
        for (Supplier<Contender> next : starting) {
          contenders.add(next.get());
          progress.step("%s is up at %s", contenders.getLast().name(), contenders.getLast().url());
        }
        Map<String, Long> idleRss = new LinkedHashMap<>();
        contenders.forEach(c -> idleRss.put(c.name(), c.process().map(ProcessMeter::rss).orElse(0L)));
        for (int count : connections) {
          Wrk wrk = new Wrk(work, threads, count);
          warmUp(contenders, wrk, count);
          if (comparisons.isEmpty()) {
            setup.add(idleCpu(contenders));
          }
          comparisons.add(measureInRounds(contenders, wrk, count, idleRss));
        }
      } finally {
        contenders.reversed().forEach(Contender::close);
      }
    }
    ComparisonReport report = new ComparisonReport(comparisons, setup);
    write(report);
    for (Comparison comparison : comparisons) {
      System.out.printf("%n%d connections%n", comparison.connections());
      System.out.print(Report.markdownTable(Comparison.HEADER, comparison.rows()));
      comparison.verdicts().forEach(System.out::println);
    }
    return 0;
  }

  /**
   * Load on every contender in turn before its rounds, uncounted, so the JVMs have compiled
   * their hot paths and the replicas have seen this many connections.
   */
  private void warmUp(List<Contender> contenders, Wrk wrk, int count) {
    if (warmup > 0) {
      for (Contender contender : contenders) {
        progress.step("%d connections, %s: warming up for %d s", count, contender.name(), warmup);
        wrk.load(contender, Duration.ofSeconds(warmup));
      }
    }
  }

  /**
   * While one contender is measured the others stay up, idle but for their health checks, on
   * the same two cores: what each burns then is taken from the one measured. The window follows
   * the first warm-up, when a JVM may still be compiling what the load made hot.
   */
  private String idleCpu(List<Contender> contenders) {
    List<Contender> metered = contenders.stream().filter(c -> c.process().isPresent()).toList();
    progress.step("measuring the CPU of %s, all idle, for %d s", metered.stream().map(Contender::name).toList(), idleWindow);
    List<Duration> before = metered.stream().map(c -> ProcessMeter.cpu(c.process().orElseThrow())).toList();
    LiveBalancer.sleep(idleWindow * 1000L);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < metered.size(); i++) {
      double seconds = ProcessMeter.cpu(metered.get(i).process().orElseThrow()).minus(before.get(i)).toNanos() / 1e9;
      used.add(String.format("%s %.2f CPU s (%.1f %% of one core)", metered.get(i).name(), seconds, 100 * seconds / Math.max(1, idleWindow)));
    }
    return String.format("idle contenders: only the one measured is loaded; the others stay up, answering their health checks. "
        + "Over %d s with no load, right after the first warm-up: %s", idleWindow, String.join(", ", used));
  }

  /**
   * Every contender is measured once a round, in an order that changes each round (see
   * {@link RoundOrder}), so that no contender always follows the same one, and a contender's
   * round is compared with HAProxy's round of the same number: on a small shared machine one
   * run can be 20 % off the next.
   */
  private Comparison measureInRounds(List<Contender> contenders, Wrk wrk, int count, Map<String, Long> idleRss) {
    List<Measurement> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int index : RoundOrder.of(contenders.size(), round)) {
        Contender contender = contenders.get(index);
        progress.step("%d connections, round %d of %d, %s: measuring for %d s", count, round, rounds, contender.name(), duration);
        Measurement run = measure(contender, wrk, round, idleRss.get(contender.name()));
        runs.add(run);
        progress.step("%d connections, round %d of %d, %s: %,.0f requests/s, p99 %.2f ms, %d errors", count, round, rounds, contender.name(),
            run.load().requestsPerSecond(), run.load().p99Micros() / 1000.0, run.load().errors());
      }
    }
    return new Comparison(count, contenders.stream().map(Contender::name).toList(), runs);
  }

  private Measurement measure(Contender contender, Wrk wrk, int round, long idleRss) {
    Optional<ProcessHandle> process = contender.process();
    Duration cpuBefore = process.map(ProcessMeter::cpu).orElse(Duration.ZERO);
    WrkResult[] result = new WrkResult[1];
    Runnable run = () -> result[0] = wrk.load(contender, Duration.ofSeconds(duration));
    long loadRss = process.map(p -> ProcessMeter.peakRssDuring(p, run)).orElseGet(() -> {
      run.run();
      return 0L;
    });
    Optional<Measurement.ResourceUse> use = process.map(p ->
        new Measurement.ResourceUse((ProcessMeter.cpu(p).minus(cpuBefore)).toNanos() / 1e9, idleRss, loadRss));
    return new Measurement(contender.name(), round, result[0], use);
  }

  private void write(ComparisonReport report) throws IOException {
    for (Comparison comparison : report.comparisons()) {
      int count = comparison.connections();
      Map<String, List<? extends Number>> perRound = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        int k = round;
        perRound.put("round " + k, comparison.contenders().stream().map(name -> comparison.rounds(name).stream()
            .filter(m -> m.round() == k).mapToDouble(m -> m.load().requestsPerSecond()).findFirst().orElse(0)).toList());
      }
      Charts.save(Charts.bars("Requests per second, " + count + " connections, each round", "", "requests/s", comparison.contenders(), perRound),
          out, comparison.chartName("throughput"));
      Map<String, List<? extends Number>> latency = new LinkedHashMap<>();
      latency.put("p50", medianMillis(comparison, m -> m.load().p50Micros()));
      latency.put("p99", medianMillis(comparison, m -> m.load().p99Micros()));
      latency.put("p99.9", medianMillis(comparison, m -> m.load().p999Micros()));
      Charts.save(Charts.bars("Latency, " + count + " connections, median round", "", "ms", comparison.contenders(), latency),
          out, comparison.chartName("latency"));
    }
    Files.writeString(out.resolve("comparison.csv"), Report.csv(ComparisonReport.header(), report.rows()));
    Files.writeString(out.resolve("rounds.csv"), Report.csv(Comparison.ROUND_HEADER, report.roundRows()));
    Files.writeString(out.resolve("report.md"), "# ringlb beside HAProxy and nginx\n\n" + report.markdown(""));
    progress.step("report written to %s", out.resolve("report.md").toAbsolutePath());
    if (doc != null) {
      Path folder = doc.toAbsolutePath().getParent().relativize(out.toAbsolutePath());
      Files.writeString(doc, splice(Files.exists(doc) ? Files.readString(doc) : "", report.markdown(folder + "/")));
      progress.step("comparison written into %s", doc);
    }
  }

  private static List<Double> medianMillis(Comparison comparison, ToDoubleFunction<Measurement> micros) {
    return comparison.contenders().stream()
        .map(name -> Spread.of(comparison.rounds(name).stream().map(micros::applyAsDouble).toList()).median() / 1000.0).toList();
  }

  /** {@code document} with the text between the markers replaced by {@code section}, or the section appended with its markers. */
  static String splice(String document, String section) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < begin) {
      return document + (document.isEmpty() || document.endsWith("\n") ? "" : "\n") + "\n## ringlb beside HAProxy and nginx\n\n"
          + BEGIN + "\n" + section + END + "\n";
    }
    return document.substring(0, begin + BEGIN.length()) + "\n" + section + document.substring(end);
  }

  /** The machine, the versions and the settings, for the record. */
  private List<String> setup() throws IOException {
    String model = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("an unnamed CPU");
    long memKib = Files.lines(Path.of("/proc/meminfo")).filter(l -> l.startsWith("MemTotal:")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
    Properties liberty = new Properties();
    Path versions = wlp.resolve("lib/versions/openliberty.properties");
    if (Files.exists(versions)) {
      try (var in = Files.newInputStream(versions)) {
        liberty.load(in);
      }
    }
    String counts = connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
    return List.of(
        String.format("%d cores of %s, %.0f GiB, Linux %s; every process below shares them, wrk included",
            Runtime.getRuntime().availableProcessors(), model, memKib / 1048576.0, Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()),
        Tools.firstLine("haproxy", "-v") + "; " + Tools.firstLine("nginx", "-v") + "; " + Wrk.version(),
        "ringlb on Open Liberty " + liberty.getProperty("com.ibm.websphere.productVersion", "?")
            + ", Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
        String.format("load: wrk -t%d with %s connections, every request `GET /home?key=<random 6-digit id>`; at each number of "
            + "connections every contender is warmed up for %d s, then measured for %d s in each of %d rounds, once a round, the order "
            + "changing each round; the replicas hit directly get one wrk thread each (wrk splits the connections evenly over them)",
            threads, counts, warmup, duration, rounds),
        String.format("replicas: %d processes of the project's replica server (Open Liberty, -Xmx192m, serial GC), started once and shared", replicas),
        "HAProxy: `balance uri whole`, `hash-type consistent`, `option httpchk GET /heartbeat` every 2 s, one thread per core (its default), no logging",
        "nginx: `hash $request_uri consistent`, `keepalive 64` to the replicas over HTTP/1.1, `worker_processes auto`, `access_log off`",
        "ringlb: started as the README starts it outside Docker, Liberty's `bin/server run lb`, with the server's jvm.options ("
            + jvmOptions() + "); requests go to its data plane, a Netty proxy inside the engine on `lb.port`, while Liberty's own "
            + "HTTP endpoint (API, health) listens on `lb.admin.port` at 127.0.0.1; strategy `ring` (its default), `lb.provider=static` "
            + "over the same replicas, `lb.key=uri`, heartbeats every 2 s; "
            + (eventLoops == null ? "data-plane event loops: `lb.event-loops` left at its default" : "data-plane event loops: `lb.event-loops=" + eventLoops + "`"));
  }

  /** The options the balancer's {@code jvm.options} gives its JVM, comments left out, as {@code bin/server} reads them. */
  private String jvmOptions() throws IOException {
    Path file = wlp.resolve("usr/servers/lb/jvm.options");
    if (!Files.exists(file)) {
      return "none";
    }
    String options = Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> "`" + line + "`").collect(Collectors.joining(" "));
    return options.isEmpty() ? "none" : options;
  }
}
