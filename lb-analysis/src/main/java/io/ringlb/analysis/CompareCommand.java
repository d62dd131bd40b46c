package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * the upper limit. Then, on the same replicas, ringlb beside HAProxy terminating TLS with the
 * same certificate: HTTPS/1.1 keep-alive (wrk), HTTP/2 (h2load) and new connections, each with
 * a full handshake (h2load).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Runs the same replicas behind HAProxy, nginx and ringlb, loads each with wrk, and writes the comparison; "
        + "then ringlb and HAProxy terminating TLS, loaded with wrk and h2load.")
final class CompareCommand implements Callable<Integer> {

  static final String BEGIN = "<!-- compare:begin -->";
  static final String END = "<!-- compare:end -->";
  static final String TLS_BEGIN = "<!-- compare-tls:begin -->";
  static final String TLS_END = "<!-- compare-tls:end -->";

  /** ringlb's new TLS connections per second, at least this share of HAProxy's: the issue's target. */
  static final double HANDSHAKE_TARGET = 0.8;

  /** The comparison's two parts, to run one alone. */
  enum Part { cleartext, tls }

  @Option(names = "--parts", split = ",", defaultValue = "cleartext,tls",
      description = "which parts to run: cleartext (replicas, HAProxy, nginx and ringlb under wrk over HTTP/1.1), tls (HAProxy and ringlb "
          + "terminating TLS: HTTPS/1.1 keep-alive with wrk, HTTP/2 with h2load, new connections with full handshakes with h2load); "
          + "e.g. --parts tls (default: ${DEFAULT-VALUE})")
  List<Part> parts;

  @Option(names = "--tls-connections", defaultValue = "64", description = "TLS part: wrk's open HTTPS/1.1 keep-alive connections (default: ${DEFAULT-VALUE})")
  int tlsConnections;

  @Option(names = "--h2-clients", defaultValue = "16", description = "TLS part: h2load's HTTP/2 connections (default: ${DEFAULT-VALUE})")
  int h2Clients;

  @Option(names = "--h2-streams", split = ",", defaultValue = "8,32",
      description = "TLS part: streams each h2load connection keeps in flight, one comparison for each (default: ${DEFAULT-VALUE})")
  List<Integer> h2Streams;

  @Option(names = "--handshake-clients", defaultValue = "128",
      description = "TLS part: new connections h2load opens at once in each batch, each with a full handshake and one request (default: ${DEFAULT-VALUE})")
  int handshakeClients;

  @Option(names = "--wlp", defaultValue = "lb-webapp/target/liberty/wlp", description = "the built balancer server (default: ${DEFAULT-VALUE})")
  Path wlp;

  @Option(names = "--war", defaultValue = "lb-webapp/target/lb-webapp.war", description = "the balancer WAR (default: ${DEFAULT-VALUE})")
  Path war;

  @Option(names = "--replicas", defaultValue = "3", description = "replicas shared by every contender (default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--connections", split = ",", defaultValue = "64,256",
      description = "wrk's open connections, one comparison for each (default: ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--threads", defaultValue = "2", description = "wrk's threads, and h2load's in the TLS part (default: ${DEFAULT-VALUE})")
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

  @Option(names = "--doc", description = "a Markdown file whose section between " + BEGIN + " and " + END + " gets the comparison, and between "
      + TLS_BEGIN + " and " + TLS_END + " the TLS part, e.g. docs/benchmarks.md")
  Path doc;

  private Progress progress;
  private String machine;
  private String ringlbVersion;

  @Override
  public Integer call() throws Exception {
    progress = new Progress(System.out, "compare");
    Files.createDirectories(out);
    Files.createDirectories(work);
    List<String> setup = new ArrayList<>(setup());
    List<Comparison> comparisons = new ArrayList<>();
    List<String> tlsSetup = new ArrayList<>(tlsSetup());
    List<Comparison> tlsComparisons = new ArrayList<>();
    progress.step("starting %d replicas", replicas);
    try (LocalReplicas shared = LocalReplicas.start(wlp, replicas, work.resolve("replicas").toAbsolutePath(), Duration.ofMinutes(3))) {
      if (parts.contains(Part.cleartext)) {
        cleartext(shared, comparisons, setup);
      }
      if (parts.contains(Part.tls)) {
        tls(shared, tlsComparisons, tlsSetup);
      }
    }
    if (!comparisons.isEmpty()) {
      write(new ComparisonReport(comparisons, setup), out, "ringlb beside HAProxy and nginx", BEGIN, END);
    }
    if (!tlsComparisons.isEmpty()) {
      write(new ComparisonReport(tlsComparisons, tlsSetup), out.resolve("tls"), "ringlb beside HAProxy, over TLS", TLS_BEGIN, TLS_END);
    }
    for (Comparison comparison : concat(comparisons, tlsComparisons)) {
      System.out.printf("%n%s%n", comparison.workload().heading());
      System.out.print(Report.markdownTable(Comparison.HEADER, comparison.rows()));
      comparison.verdicts().forEach(System.out::println);
    }
    return 0;
  }

  /** The cleartext part: every contender under wrk at each number of connections, plus the idle contenders' CPU into {@code setup}. */
  private void cleartext(LocalReplicas shared, List<Comparison> comparisons, List<String> setup) {
    List<Supplier<Contender>> starting = List.of(
        () -> Contenders.direct(shared.urls()),
        () -> Contenders.haproxy(shared.urls(), out, work),
        () -> Contenders.nginx(shared.urls(), out, work),
        () -> Contenders.ringlb(shared.urls(), wlp, war, work, eventLoopsOption()));
    try (Started contenders = start(starting)) {
      Map<String, Long> idleRss = idleRss(contenders.list());
      for (int count : connections) {
        Wrk wrk = new Wrk(work, threads, count);
        Workload workload = Workload.cleartext(count);
        warmUp(contenders.list(), wrk, workload);
        if (comparisons.isEmpty()) {
          setup.add(idleCpu(contenders.list()));
          setup.add("ringlb's data plane over " + ringlbTransport("ringlb.log"));
        }
        comparisons.add(measureInRounds(contenders.list(), shared, wrk, workload, count, idleRss));
      }
    }
  }

  /**
   * The TLS part, on the same replicas once the cleartext contenders are gone: HAProxy and ringlb
   * each terminating TLS with one certificate, under HTTPS/1.1 keep-alive, HTTP/2, and new
   * connections, each load warmed up and measured in rounds as the cleartext part is.
   */
  private void tls(LocalReplicas shared, List<Comparison> comparisons, List<String> setup) {
    // the private key stays in the work folder, out of the report's folder, which may be committed
    TlsCertificate certificate = TlsCertificate.create(work.resolve("tls"));
    List<Supplier<Contender>> starting = List.of(
        () -> Contenders.haproxyTls(shared.urls(), certificate, out.resolve("tls"), work),
        () -> Contenders.ringlbTls(shared.urls(), wlp, war, work, eventLoopsOption(), certificate));
    List<TlsLoad> loads = new ArrayList<>();
    loads.add(new TlsLoad(new Workload("HTTPS/1.1 keep-alive, " + tlsConnections + " connections (wrk)", "https-" + tlsConnections, "Throughput",
        Comparison.THROUGHPUT_TARGET), new Wrk(work, threads, tlsConnections), tlsConnections));
    // more streams in flight on the same connections fill the replicas' queues more: the balancers compare differently there
    List<H2load> h2loads = new ArrayList<>();
    for (int streams : h2Streams) {
      H2load h2load = new H2load(work, threads, h2Clients, streams);
      h2loads.add(h2load);
      loads.add(new TlsLoad(new Workload("HTTP/2 over TLS, " + h2Clients + " connections x " + streams + " streams (h2load)",
          "h2-" + h2Clients + "x" + streams, "Throughput", Comparison.THROUGHPUT_TARGET), h2load, h2Clients));
    }
    loads.add(new TlsLoad(new Workload("New TLS connections, a full handshake each, " + handshakeClients + " at once (h2load)",
        "handshakes-" + handshakeClients, "Handshakes per second", HANDSHAKE_TARGET), new TlsHandshakes(work, threads, handshakeClients),
        handshakeClients));
    try (Started contenders = start(starting)) {
      Map<String, Long> idleRss = idleRss(contenders.list());
      for (TlsLoad load : loads) {
        warmUp(contenders.list(), load.load(), load.workload());
        comparisons.add(measureInRounds(contenders.list(), shared, load.load(), load.workload(), load.connections(), idleRss));
      }
    }
    setup.add("TLS negotiated (h2load's report): " + h2loads.getFirst().negotiated() + "; ringlb's data plane: " + ringlbTlsProvider()
        + ", over " + ringlbTransport("ringlb-tls.log"));
  }

  /** One of the TLS part's loads: how its table is headed, what runs it, and its connections at once. */
  private record TlsLoad(Workload workload, Load load, int connections) {}

  /** Contenders started in order, each announced; on close, stopped in the reverse order. */
  private record Started(List<Contender> list) implements AutoCloseable {
    @Override
    public void close() {
      list.reversed().forEach(Contender::close);
    }
  }

  private Started start(List<Supplier<Contender>> starting) {
    Started started = new Started(new ArrayList<>());
    try {
      for (Supplier<Contender> next : starting) {
        started.list().add(next.get());
        progress.step("%s is up at %s", started.list().getLast().name(), started.list().getLast().url());
      }
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private static Map<String, Long> idleRss(List<Contender> contenders) {
    Map<String, Long> idleRss = new LinkedHashMap<>();
    contenders.forEach(c -> idleRss.put(c.name(), c.process().map(ProcessMeter::rss).orElse(0L)));
    return idleRss;
  }

  private OptionalInt eventLoopsOption() {
    return eventLoops == null ? OptionalInt.empty() : OptionalInt.of(eventLoops);
  }

  private static List<Comparison> concat(List<Comparison> first, List<Comparison> second) {
    List<Comparison> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /**
   * Load on every contender in turn before its rounds, uncounted, so the JVMs have compiled
   * their hot paths and the replicas have seen this many connections.
   */
  private void warmUp(List<Contender> contenders, Load load, Workload workload) {
    if (warmup > 0) {
      for (Contender contender : contenders) {
        progress.step("%s, %s: warming up for %d s", workload.heading(), contender.name(), warmup);
        load.load(contender, Duration.ofSeconds(warmup));
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
  private Comparison measureInRounds(List<Contender> contenders, LocalReplicas replicas, Load load, Workload workload, int count,
      Map<String, Long> idleRss) {
    List<Measurement> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int index : RoundOrder.of(contenders.size(), round)) {
        Contender contender = contenders.get(index);
        progress.step("%s, round %d of %d, %s: measuring for %d s", workload.heading(), round, rounds, contender.name(), duration);
        Measurement run = measure(contender, replicas, load, round, idleRss.get(contender.name()));
        runs.add(run);
        progress.step("%s, round %d of %d, %s: %,.0f requests/s, p99 %.2f ms, %d errors", workload.heading(), round, rounds, contender.name(),
            run.load().requestsPerSecond(), run.load().p99Micros() / 1000.0, run.load().errors());
      }
    }
    return new Comparison(count, contenders.stream().map(Contender::name).toList(), runs, workload);
  }

  private Measurement measure(Contender contender, LocalReplicas replicas, Load load, int round, long idleRss) {
    Optional<ProcessHandle> process = contender.process();
    List<ProcessHandle> replicaProcesses = replicas.processes();
    Duration replicasBefore = ProcessMeter.cpu(replicaProcesses);
    Duration cpuBefore = process.map(ProcessMeter::cpu).orElse(Duration.ZERO);
    WrkResult[] result = new WrkResult[1];
    Runnable run = () -> result[0] = load.load(contender, Duration.ofSeconds(duration));
    long loadRss = process.map(p -> ProcessMeter.peakRssDuring(p, run)).orElseGet(() -> {
      run.run();
      return 0L;
    });
    Optional<Measurement.ResourceUse> use = process.map(p ->
        new Measurement.ResourceUse((ProcessMeter.cpu(p).minus(cpuBefore)).toNanos() / 1e9, idleRss, loadRss));
    double replicasCpu = ProcessMeter.cpu(replicaProcesses).minus(replicasBefore).toNanos() / 1e9;
    return new Measurement(contender.name(), round, result[0], use, replicasCpu);
  }

  /** Charts, CSV and {@code report.md} into {@code folder}; into {@code doc}, when given, between {@code begin} and {@code end}. */
  private void write(ComparisonReport report, Path folder, String title, String begin, String end) throws IOException {
    Files.createDirectories(folder);
    for (Comparison comparison : report.comparisons()) {
      String heading = comparison.workload().heading();
      Map<String, List<? extends Number>> perRound = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        int k = round;
        perRound.put("round " + k, comparison.contenders().stream().map(name -> comparison.rounds(name).stream()
            .filter(m -> m.round() == k).mapToDouble(m -> m.load().requestsPerSecond()).findFirst().orElse(0)).toList());
      }
      Charts.save(Charts.bars("Requests per second, " + heading + ", each round", "", "requests/s", comparison.contenders(), perRound),
          folder, comparison.chartName("throughput"));
      Map<String, List<? extends Number>> latency = new LinkedHashMap<>();
      latency.put("p50", medianMillis(comparison, m -> m.load().p50Micros()));
      latency.put("p99", medianMillis(comparison, m -> m.load().p99Micros()));
      latency.put("p99.9", medianMillis(comparison, m -> m.load().p999Micros()));
      Charts.save(Charts.bars("Latency, " + heading + ", median round", "", "ms", comparison.contenders(), latency),
          folder, comparison.chartName("latency"));
    }
    String lead = begin.equals(BEGIN) ? "connections" : "load";
    Files.writeString(folder.resolve("comparison.csv"), Report.csv(ComparisonReport.header(lead), report.rows()));
    Files.writeString(folder.resolve("rounds.csv"), Report.csv(Comparison.roundHeader(lead), report.roundRows()));
    Files.writeString(folder.resolve("report.md"), "# " + title + "\n\n" + report.markdown(""));
    progress.step("report written to %s", folder.resolve("report.md").toAbsolutePath());
    if (doc != null) {
      Path charts = doc.toAbsolutePath().getParent().relativize(folder.toAbsolutePath());
      Files.writeString(doc, splice(Files.exists(doc) ? Files.readString(doc) : "", report.markdown(charts + "/"), title, begin, end));
      progress.step("%s written into %s", title, doc);
    }
  }

  private static List<Double> medianMillis(Comparison comparison, ToDoubleFunction<Measurement> micros) {
    return comparison.contenders().stream()
        .map(name -> Spread.of(comparison.rounds(name).stream().map(micros::applyAsDouble).toList()).median() / 1000.0).toList();
  }

  /** {@code document} with the text between the markers replaced by {@code section}, or the section appended with its markers. */
  static String splice(String document, String section) {
    return splice(document, section, "ringlb beside HAProxy and nginx", BEGIN, END);
  }

  /** As {@link #splice(String, String)}, between the markers {@code begin} and {@code end}, appended under {@code title} when missing. */
  static String splice(String document, String section, String title, String beginMarker, String endMarker) {
    int begin = document.indexOf(beginMarker);
    int end = document.indexOf(endMarker);
    if (begin < 0 || end < begin) {
      return document + (document.isEmpty() || document.endsWith("\n") ? "" : "\n") + "\n## " + title + "\n\n"
          + beginMarker + "\n" + section + endMarker + "\n";
    }
    return document.substring(0, begin + beginMarker.length()) + "\n" + section + document.substring(end);
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
    machine = String.format("%d cores of %s, %.0f GiB, Linux %s; every process below shares them, wrk and h2load included",
        Runtime.getRuntime().availableProcessors(), model, memKib / 1048576.0, Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    ringlbVersion = "ringlb on Open Liberty " + liberty.getProperty("com.ibm.websphere.productVersion", "?")
        + ", Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")";
    if (!parts.contains(Part.cleartext)) {
      return List.of();
    }
    String counts = connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
    return List.of(
        machine,
        Tools.firstLine("haproxy", "-v") + "; " + Tools.firstLine("nginx", "-v") + "; " + Wrk.version(),
        ringlbVersion,
        String.format("load: wrk -t%d with %s connections, every request `GET /home?key=<random 6-digit id>`; at each number of "
            + "connections every contender is warmed up for %d s, then measured for %d s in each of %d rounds, once a round, the order "
            + "changing each round; the replicas hit directly get one wrk thread each (wrk splits the connections evenly over them)",
            threads, counts, warmup, duration, rounds),
        String.format("replicas: %d processes of the project's replica server (Open Liberty, -Xmx192m, serial GC), started once and shared", replicas),
        "HAProxy: `balance uri whole`, `hash-type consistent`, `option httpchk GET /heartbeat` every 2 s, one thread per core (its default), "
            + "no logging, `option forwardfor` and `X-Forwarded-Proto` and `X-Forwarded-Host` set as ringlb sets them",
        "nginx: `hash $request_uri consistent`, `keepalive 64` to the replicas over HTTP/1.1, `worker_processes auto`, `access_log off`, "
            + "the client's `Host` passed on and `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` set as ringlb sets them",
        "the replicas receive the same headers from every contender (ringlb sets the three forwarding headers on every request)",
        "ringlb: started as the README starts it outside Docker, Liberty's `bin/server run lb`, with the server's jvm.options ("
            + jvmOptions() + "); requests go to its data plane, a Netty proxy inside the engine on `lb.port`, while Liberty's own "
            + "HTTP endpoint (API, health) listens on `lb.admin.port` at 127.0.0.1; strategy `ring` (its default), `lb.provider=static` "
            + "over the same replicas, `lb.key=uri`, heartbeats every 2 s; "
            + (eventLoops == null ? "data-plane event loops: `lb.event-loops` left at its default" : "data-plane event loops: `lb.event-loops=" + eventLoops + "`"));
  }

  /** The TLS part's machine, versions and settings; what TLS negotiated is added once it is known. */
  private List<String> tlsSetup() {
    if (!parts.contains(Part.tls)) {
      return List.of();
    }
    return List.of(
        machine,
        Tools.firstLine("haproxy", "-v") + "; " + H2load.version() + "; " + Wrk.version() + "; " + Tools.firstLine("openssl", "version"),
        ringlbVersion,
        String.format("loads, each with its own warm-up of %d s per contender, then measured for %d s in each of %d rounds, the order "
            + "alternating: HTTPS/1.1 keep-alive, `wrk -t%d -c%d` with the cleartext part's script (`GET /home?key=<random 6-digit id>`); "
            + "HTTP/2, `h2load -t%d -c%d -m<streams> -D %d` with %s streams, walking one list of 10,000 random keys; new connections, `h2load -t%d -n%d -c%d -m1` "
            + "run batch after batch for the whole time, each batch asking for one random key",
            warmup, duration, rounds, threads, tlsConnections, Math.min(threads, h2Clients), h2Clients, duration,
            h2Streams.stream().map(String::valueOf).collect(Collectors.joining(" and ")),
            Math.min(threads, handshakeClients), handshakeClients, handshakeClients),
        "new connections: every h2load client opens one TLS connection, makes one request and closes it; h2load keeps no session "
            + "cache, so every handshake is a full one (HAProxy's `SslFrontendSessionReuse_pct` reads 0 after such a run, where wrk's "
            + "reconnections with `Connection: close` resume the session: 100); handshakes/s are the requests over the time h2load "
            + "spent on them, CPU per request is CPU per handshake, and latency is the request's on its new connection, handshake excluded",
        "certificate: " + TlsCertificate.DESCRIPTION + ", the same files for both",
        "HAProxy: `bind 127.0.0.1:<port> ssl crt combined.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2 ciphersuites "
            + "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256` (TLS 1.3's suites in BoringSSL's order, so "
            + "that both settle on the same) beside its cleartext bind, `option forwardfor` and `X-Forwarded-Proto` and "
            + "`X-Forwarded-Host` set as ringlb sets them (the replicas receive the same headers from both), "
            + "the cleartext part's backend (`balance uri whole`, `hash-type consistent`, `option httpchk GET /heartbeat` every 2 s), "
            + "cleartext HTTP/1.1 to the replicas, its default session cache and tickets (haproxy-tls.cfg)",
        "ringlb: as in the cleartext part, with `lb.tls.port`, `lb.tls.certificate` and `lb.tls.key` (TLS 1.2 and 1.3, ALPN `h2` and "
            + "`http/1.1`), cleartext HTTP/1.1 to the replicas; "
            + (eventLoops == null ? "`lb.event-loops` left at its default" : "`lb.event-loops=" + eventLoops + "`"),
        "only the one measured is loaded; the other stays up, answering its health checks");
  }

  /** What ringlb's log says its TLS runs on, e.g. {@code OpenSSL (BoringSSL)}. */
  private String ringlbTlsProvider() {
    try (var lines = Files.lines(work.resolve("ringlb-tls.log"))) {
      return lines.filter(line -> line.contains("TLS on port")).reduce((first, last) -> last)
          .map(line -> line.replaceAll(".*TLS on port \\d+ with ", "").replaceAll(": CN=.*", "")).orElse("not in its log");
    } catch (IOException | UncheckedIOException e) {
      return "not in its log";
    }
  }

  /**
   * The transport the data plane's start log names in {@code log} ({@code io_uring}, {@code
   * epoll} or {@code nio}): io_uring where the kernel allows it, and the numbers differ by it.
   */
  private String ringlbTransport(String log) {
    try (var lines = Files.lines(work.resolve(log))) {
      return lines.filter(line -> line.contains("data plane listening on")).reduce((first, last) -> last)
          .map(line -> line.replaceAll(".*data plane listening on \\S+ \\(([a-z_]+), .*", "$1")).orElse("a transport not in its log");
    } catch (IOException | UncheckedIOException e) {
      return "a transport not in its log";
    }
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
