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
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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

  @Option(names = "--connections", defaultValue = "64", description = "wrk's open connections (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--threads", defaultValue = "2", description = "wrk's threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--duration", defaultValue = "20", description = "seconds of measured load per contender and round (default: ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--rounds", defaultValue = "3", description = "measurements per contender, taken in turn; the median counts (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--warmup", defaultValue = "30", description = "seconds of load per contender before the rounds, not counted (default: ${DEFAULT-VALUE})")
  int warmup;

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
    List<String> setup = setup();
    Wrk wrk = new Wrk(work, threads, connections);
    List<Measurement> measurements = new ArrayList<>();
    progress.step("starting %d replicas", replicas);
    try (LocalReplicas shared = LocalReplicas.start(wlp, replicas, work.resolve("replicas").toAbsolutePath(), Duration.ofMinutes(3))) {
      List<Supplier<Contender>> starting = List.of(
          () -> Contenders.direct(shared.urls()),
          () -> Contenders.haproxy(shared.urls(), out, work),
          () -> Contenders.nginx(shared.urls(), out, work),
          () -> Contenders.ringlb(shared.urls(), wlp, war, work));
      List<Contender> contenders = new ArrayList<>();
      try {
        for (Supplier<Contender> next : starting) {
          contenders.add(next.get());
          progress.step("%s is up at %s", contenders.getLast().name(), contenders.getLast().url());
        }
        measurements = measureInRounds(contenders, wrk);
      } finally {
        contenders.reversed().forEach(Contender::close);
      }
    }
    Comparison comparison = new Comparison(measurements, setup);
    write(comparison);
    System.out.println();
    System.out.print(Report.markdownTable(Comparison.HEADER, comparison.rows()));
    comparison.verdicts().forEach(System.out::println);
    return 0;
  }

  /**
   * Every contender runs the whole time, idle but for its own turn, so each gets replicas as warm
   * as the others: all warm up first, then each is measured once a round, in turn, and keeps its
   * median round. On a small shared machine one run can be 20 % off the next.
   */
  private List<Measurement> measureInRounds(List<Contender> contenders, Wrk wrk) {
    Map<String, Long> idleRss = new LinkedHashMap<>();
    contenders.forEach(c -> idleRss.put(c.name(), c.process().map(ProcessMeter::rss).orElse(0L)));
    if (warmup > 0) {
      for (Contender contender : contenders) {
        progress.step("%s: warming up for %d s", contender.name(), warmup);
        wrk.load(contender, Duration.ofSeconds(warmup));
      }
    }
    Map<String, List<Measurement>> runs = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (Contender contender : contenders) {
        progress.step("round %d of %d, %s: measuring for %d s", round, rounds, contender.name(), duration);
        Measurement run = measure(contender, wrk, idleRss.get(contender.name()));
        runs.computeIfAbsent(contender.name(), name -> new ArrayList<>()).add(run);
        progress.step("round %d of %d, %s: %,.0f requests/s, p99 %.2f ms, %d errors", round, rounds, contender.name(),
            run.load().requestsPerSecond(), run.load().p99Micros() / 1000.0, run.load().errors());
      }
    }
    return runs.values().stream().map(Measurement::median).toList();
  }

  private Measurement measure(Contender contender, Wrk wrk, long idleRss) {
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
    return new Measurement(contender.name(), result[0], use, List.of(result[0].requestsPerSecond()));
  }

  private void write(Comparison comparison) throws IOException {
    List<String> names = comparison.measurements().stream().map(Measurement::contender).toList();
    Charts.save(Charts.bars("Requests per second, " + connections + " connections", "", "requests/s", names,
        Map.of("requests/s", comparison.measurements().stream().map(m -> m.load().requestsPerSecond()).toList())), out, "throughput");
    Map<String, List<? extends Number>> latency = new LinkedHashMap<>();
    latency.put("p50", comparison.measurements().stream().map(m -> m.load().p50Micros() / 1000.0).toList());
    latency.put("p99", comparison.measurements().stream().map(m -> m.load().p99Micros() / 1000.0).toList());
    latency.put("p99.9", comparison.measurements().stream().map(m -> m.load().p999Micros() / 1000.0).toList());
    Charts.save(Charts.bars("Latency, " + connections + " connections", "", "ms", names, latency), out, "latency");
    Files.writeString(out.resolve("comparison.csv"), Report.csv(Comparison.HEADER, comparison.rows()));
    Files.writeString(out.resolve("report.md"), "# ringlb beside HAProxy and nginx\n\n" + comparison.markdown(""));
    progress.step("report written to %s", out.resolve("report.md").toAbsolutePath());
    if (doc != null) {
      Path folder = doc.toAbsolutePath().getParent().relativize(out.toAbsolutePath());
      Files.writeString(doc, splice(Files.exists(doc) ? Files.readString(doc) : "", comparison.markdown(folder + "/")));
      progress.step("comparison written into %s", doc);
    }
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
    return List.of(
        String.format("%d cores of %s, %.0f GiB, Linux %s; every process below shares them, wrk included",
            Runtime.getRuntime().availableProcessors(), model, memKib / 1048576.0, Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()),
        Tools.firstLine("haproxy", "-v") + "; " + Tools.firstLine("nginx", "-v") + "; " + Wrk.version(),
        "ringlb on Open Liberty " + liberty.getProperty("com.ibm.websphere.productVersion", "?")
            + ", Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
        String.format("load: wrk -t%d -c%d, every request `GET /home?key=<random 6-digit id>`; each contender warmed up for %d s, then "
            + "measured for %d s in each of %d rounds taken in turn, its median round shown; the replicas hit directly get one wrk thread "
            + "each (%d connections in all, as wrk splits them evenly)", threads, connections, warmup, duration, rounds,
            connections / replicas * replicas),
        String.format("replicas: %d processes of the project's replica server (Open Liberty, -Xmx192m, serial GC), started once and shared", replicas),
        "HAProxy: `balance uri whole`, `hash-type consistent`, `option httpchk GET /heartbeat` every 2 s, one thread per core (its default), no logging",
        "nginx: `hash $request_uri consistent`, `keepalive 64` to the replicas over HTTP/1.1, `worker_processes auto`, `access_log off`",
        "ringlb: its defaults (strategy `ring`) with `lb.provider=static` over the same replicas, `lb.key=uri`, heartbeats every 2 s");
  }
}
