package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The comparison at one number of connections: every contender's rounds, the table, and
 * ringlb's targets against HAProxy. A ratio is taken per round, ringlb's round k over HAProxy's
 * round k, both measured minutes apart on the same warm replicas, and shown as the median of
 * those ratios with their range; the other figures are the median of the rounds.
 *
 * @param connections the load's open connections
 * @param contenders the contenders in the order the table lists them
 * @param measurements every contender's runs, one a round
 * @param workload what loaded them: the heading, and the throughput ringlb must reach
 */
record Comparison(int connections, List<String> contenders, List<Measurement> measurements, Workload workload) {

  static final String BASELINE = "HAProxy";
  static final String SUBJECT = "ringlb";
  static final double THROUGHPUT_TARGET = 1.0;
  static final double CPU_TARGET = 1.2;
  static final double P99_TARGET = 1.5;
  static final double RSS_TARGET_MIB = 350;

  static final List<String> HEADER = List.of("contender", "requests/s", "vs HAProxy", "p50 ms", "p99 ms", "p99 vs HAProxy", "p99.9 ms",
      "errors", "CPU s / 10k req", "CPU vs HAProxy", "replicas' CPU s / 10k req", "RSS idle MiB", "RSS under load MiB");

  static final List<String> ROUND_HEADER = roundHeader("connections");

  /** The header of {@link #roundRows}, its first column named {@code lead}. */
  static List<String> roundHeader(String lead) {
    return List.of(lead, "round", "contender", "requests/s", "p50 us", "p99 us", "p99.9 us",
      "errors", "CPU s", "peak RSS bytes", "replicas CPU s");
  }

  /** The cleartext comparison at {@code connections} wrk connections. */
  Comparison(int connections, List<String> contenders, List<Measurement> measurements) {
    this(connections, contenders, measurements, Workload.cleartext(connections));
  }

  Comparison {
    List<String> listed = List.copyOf(contenders);
    contenders = listed;
    measurements = List.copyOf(measurements);
    List<String> unlisted = measurements.stream().map(Measurement::contender).filter(name -> !listed.contains(name)).distinct().toList();
    if (!unlisted.isEmpty()) {
      throw new IllegalArgumentException("measurements of contenders not listed: " + unlisted);
    }
  }

  /** One contender's runs, by round. */
  List<Measurement> rounds(String contender) {
    return measurements.stream().filter(m -> m.contender().equals(contender))
        .sorted((a, b) -> Integer.compare(a.round(), b.round())).toList();
  }

  /** The table's rows, one a contender; ratios against HAProxy's run of the same round. */
  List<List<String>> rows() {
    requireBaseline();
    List<List<String>> rows = new ArrayList<>();
    for (String contender : contenders) {
      List<Measurement> rounds = rounds(contender);
      if (rounds.isEmpty()) {
        continue;
      }
      rows.add(List.of(contender,
          spread(rounds, m -> m.load().requestsPerSecond()).map(s -> String.format("%,.0f", s.median())).orElseThrow(),
          throughputRatios(contender).map(s -> s.format("%.2f")).orElse("-"),
          millis(spread(rounds, m -> m.load().p50Micros())),
          millis(spread(rounds, m -> m.load().p99Micros())),
          p99Ratios(contender).map(s -> s.format("%.2f")).orElse("-"),
          millis(spread(rounds, m -> m.load().p999Micros())),
          Long.toString(errors(contender)),
          cpuPer10k(contender).map(s -> String.format("%.2f", s.median())).orElse("-"),
          cpuRatios(contender).map(s -> s.format("%.2f")).orElse("-"),
          spread(rounds, Measurement::replicasCpuSecondsPer10k).map(s -> String.format("%.2f", s.median())).orElseThrow(),
          rounds.getFirst().use().map(u -> mebibytes(u.idleRssBytes())).orElse("-"),
          peakRss(contender).map(s -> String.format("%.0f", s.max())).orElse("-")));
    }
    return rows;
  }

  /** Every round of every contender, unrounded, for the CSV. */
  List<List<String>> roundRows() {
    return measurements.stream().map(m -> List.of(workload.key(), Integer.toString(m.round()), m.contender(),
        String.format("%.1f", m.load().requestsPerSecond()), Long.toString(m.load().p50Micros()), Long.toString(m.load().p99Micros()),
        Long.toString(m.load().p999Micros()), Long.toString(m.load().errors()),
        m.use().map(u -> String.format("%.3f", u.cpuSeconds())).orElse(""),
        m.use().map(u -> Long.toString(u.loadRssBytes())).orElse(""), String.format("%.3f", m.replicasCpuSeconds()))).toList();
  }

  /** Whether ringlb met its targets, one sentence each, with the median, the rounds' range and how many rounds met it. */
  List<String> verdicts() {
    requireBaseline();
    if (rounds(SUBJECT).isEmpty()) {
      return List.of();
    }
    List<String> verdicts = new ArrayList<>();
    double target = workload.throughputTarget();
    throughputRatios(SUBJECT).ifPresent(s -> verdicts.add(verdict(workload.throughput(), s, "%.2f of HAProxy's", "at least %.1f", target,
        s.median() >= target, count(ratios(SUBJECT, m -> m.load().requestsPerSecond()), r -> r >= target))));
    cpuRatios(SUBJECT).ifPresent(s -> verdicts.add(verdict("CPU per request", s, "%.2f times HAProxy's", "at most %.1f", CPU_TARGET,
        s.median() <= CPU_TARGET, count(cpuRatioList(SUBJECT), r -> r <= CPU_TARGET))));
    p99Ratios(SUBJECT).ifPresent(s -> verdicts.add(verdict("p99 latency", s, "%.2f times HAProxy's", "at most %.1f", P99_TARGET,
        s.median() <= P99_TARGET, count(ratios(SUBJECT, m -> m.load().p99Micros()), r -> r <= P99_TARGET))));
    peakRss(SUBJECT).ifPresent(s -> verdicts.add(String.format("RSS under load: %.0f MiB at its peak (rounds %s), target at most %.0f MiB: **%s** (%d of %d rounds within it).",
        s.max(), s.range("%.0f"), RSS_TARGET_MIB, s.max() <= RSS_TARGET_MIB ? "met" : "missed",
        count(rounds(SUBJECT).stream().flatMap(m -> m.use().stream()).map(u -> u.loadRssBytes() / 1048576.0).toList(), r -> r <= RSS_TARGET_MIB), s.count())));
    long errors = errors(SUBJECT);
    verdicts.add(String.format("Errors: %d in %d rounds, target none: **%s**.", errors, rounds(SUBJECT).size(), errors == 0 ? "met" : "missed"));
    return verdicts;
  }

  private static String verdict(String what, Spread spread, String value, String target, double limit, boolean met, long roundsMet) {
    return String.format("%s: " + value + " (rounds %s), target " + target + ": **%s** (%d of %d rounds met it).",
        what, spread.median(), spread.range("%.2f"), limit, met ? "met" : "missed", roundsMet, spread.count());
  }

  /** The section for this load: heading, table, verdicts and charts under {@code chartPrefix}. */
  String markdown(String chartPrefix) {
    StringBuilder md = new StringBuilder();
    md.append("### ").append(workload.heading()).append("\n\n");
    md.append(Report.markdownTable(HEADER, rows())).append('\n');
    verdicts().forEach(line -> md.append("- ").append(line).append('\n'));
    md.append('\n');
    md.append("![requests per second, ").append(workload.heading()).append("](").append(chartPrefix).append(chartName("throughput")).append(".png) ");
    md.append("![latency percentiles, ").append(workload.heading()).append("](").append(chartPrefix).append(chartName("latency")).append(".png)\n\n");
    return md.toString();
  }

  /** What this load's chart of {@code kind} is called, without its extension. */
  String chartName(String kind) {
    return kind + "-" + workload.key();
  }

  private void requireBaseline() {
    if (rounds(BASELINE).isEmpty()) {
      throw new IllegalStateException("the comparison needs HAProxy's run");
    }
  }

  private Optional<Spread> throughputRatios(String contender) {
    return spreadOf(ratios(contender, m -> m.load().requestsPerSecond()));
  }

  private Optional<Spread> p99Ratios(String contender) {
    return spreadOf(ratios(contender, m -> m.load().p99Micros()));
  }

  private Optional<Spread> cpuRatios(String contender) {
    return spreadOf(cpuRatioList(contender));
  }

  private Optional<Spread> cpuPer10k(String contender) {
    return spreadOf(rounds(contender).stream().flatMap(m -> m.cpuSecondsPer10k().stream()).toList());
  }

  private Optional<Spread> peakRss(String contender) {
    return spreadOf(rounds(contender).stream().flatMap(m -> m.use().stream()).map(u -> u.loadRssBytes() / 1048576.0).toList());
  }

  /** {@code value} of the contender's round k over HAProxy's round k, for every round both ran. */
  private List<Double> ratios(String contender, ToDoubleFunction<Measurement> value) {
    Map<Integer, Measurement> baseline = byRound(BASELINE);
    return rounds(contender).stream().filter(m -> baseline.containsKey(m.round()))
        .map(m -> value.applyAsDouble(m) / value.applyAsDouble(baseline.get(m.round()))).toList();
  }

  private List<Double> cpuRatioList(String contender) {
    Map<Integer, Measurement> baseline = byRound(BASELINE);
    List<Double> ratios = new ArrayList<>();
    for (Measurement m : rounds(contender)) {
      Optional<Double> base = Optional.ofNullable(baseline.get(m.round())).flatMap(Measurement::cpuSecondsPer10k);
      m.cpuSecondsPer10k().ifPresent(cpu -> base.ifPresent(b -> ratios.add(cpu / b)));
    }
    return ratios;
  }

  private Map<Integer, Measurement> byRound(String contender) {
    return rounds(contender).stream().collect(Collectors.toMap(Measurement::round, Function.identity()));
  }

  private long errors(String contender) {
    return rounds(contender).stream().mapToLong(m -> m.load().errors()).sum();
  }

  private static long count(List<Double> values, DoublePredicate met) {
    return values.stream().filter(met::test).count();
  }

  private static Optional<Spread> spread(List<Measurement> rounds, ToDoubleFunction<Measurement> value) {
    return spreadOf(rounds.stream().map(value::applyAsDouble).toList());
  }

  private static Optional<Spread> spreadOf(List<Double> values) {
    return values.isEmpty() ? Optional.empty() : Optional.of(Spread.of(values));
  }

  private static String millis(Optional<Spread> micros) {
    return micros.map(s -> String.format("%.2f", s.median() / 1000.0)).orElse("-");
  }

  private static String mebibytes(long bytes) {
    return String.format("%.0f", bytes / 1048576.0);
  }
}
