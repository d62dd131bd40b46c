package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The comparison's findings as Markdown: the table, ratios against HAProxy, ringlb's targets,
 * and what was measured on what.
 *
 * @param measurements one per contender, HAProxy among them
 * @param setup the machine, the versions and the settings, one bullet each
 */
record Comparison(List<Measurement> measurements, List<String> setup) {

  static final String BASELINE = "HAProxy";
  static final String SUBJECT = "ringlb";
  static final double THROUGHPUT_TARGET = 0.8;
  static final double P99_TARGET = 2.0;

  static final List<String> HEADER = List.of("contender", "requests/s", "vs HAProxy", "p50 ms", "p99 ms", "p99 vs HAProxy", "p99.9 ms",
      "errors", "CPU s / 10k req", "RSS idle MiB", "RSS under load MiB", "requests/s, each round");

  Measurement baseline() {
    return find(BASELINE).orElseThrow(() -> new IllegalStateException("the comparison needs HAProxy's run"));
  }

  Optional<Measurement> find(String contender) {
    return measurements.stream().filter(m -> m.contender().equals(contender)).findFirst();
  }

  List<List<String>> rows() {
    WrkResult base = baseline().load();
    List<List<String>> rows = new ArrayList<>();
    for (Measurement m : measurements) {
      WrkResult load = m.load();
      rows.add(List.of(m.contender(),
          String.format("%,.0f", load.requestsPerSecond()),
          String.format("%.2f", load.requestsPerSecond() / base.requestsPerSecond()),
          millis(load.p50Micros()),
          millis(load.p99Micros()),
          String.format("%.2f", (double) load.p99Micros() / base.p99Micros()),
          millis(load.p999Micros()),
          Long.toString(load.errors()),
          m.cpuSecondsPer10k().map(s -> String.format("%.2f", s)).orElse("-"),
          m.use().map(u -> mebibytes(u.idleRssBytes())).orElse("-"),
          m.use().map(u -> mebibytes(u.loadRssBytes())).orElse("-"),
          m.roundsPerSecond().stream().map(rps -> String.format("%,.0f", rps)).collect(Collectors.joining(" / "))));
    }
    return rows;
  }

  /** Whether ringlb met its targets, one sentence each. */
  List<String> verdicts() {
    WrkResult base = baseline().load();
    return find(SUBJECT).map(Measurement::load).map(ringlb -> {
      double throughput = ringlb.requestsPerSecond() / base.requestsPerSecond();
      double p99 = (double) ringlb.p99Micros() / base.p99Micros();
      return List.of(
          String.format("Throughput: %.2f of HAProxy's, target at least %.1f: **%s**.", throughput, THROUGHPUT_TARGET,
              throughput >= THROUGHPUT_TARGET ? "met" : "missed"),
          String.format("p99 latency: %.2f times HAProxy's, target at most %.1f: **%s**.", p99, P99_TARGET, p99 <= P99_TARGET ? "met" : "missed"));
    }).orElse(List.of());
  }

  /** The section, its charts linked under {@code chartPrefix} (empty, or a folder ending in {@code /}). */
  String markdown(String chartPrefix) {
    StringBuilder md = new StringBuilder();
    md.append(Report.markdownTable(HEADER, rows())).append('\n');
    verdicts().forEach(line -> md.append("- ").append(line).append('\n'));
    md.append('\n');
    md.append("![requests per second](").append(chartPrefix).append("throughput.png) ");
    md.append("![latency percentiles](").append(chartPrefix).append("latency.png)\n\n");
    md.append("Measured on:\n\n");
    setup.forEach(line -> md.append("- ").append(line).append('\n'));
    return md.toString();
  }

  private static String millis(long micros) {
    return String.format("%.2f", micros / 1000.0);
  }

  private static String mebibytes(long bytes) {
    return String.format("%.0f", bytes / 1048576.0);
  }
}
