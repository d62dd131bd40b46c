package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole comparison as Markdown: a section per load (a number of connections, or one of
 * TLS's), then what was measured on what.
 *
 * @param comparisons one per load, in the order they were measured
 * @param setup the machine, the versions, the settings and the idle contenders' CPU, one bullet each
 */
record ComparisonReport(List<Comparison> comparisons, List<String> setup) {

  static final String HOW_TO_READ = "Each contender was measured once a round, in an order that changes every round. The ratios "
      + "against HAProxy are taken per round (a contender's round k over HAProxy's round k) and shown as their median with the "
      + "range over the rounds in brackets; requests/s, latencies and CPU are each contender's median round, errors are summed "
      + "over the rounds, and RSS under load is the highest peak of any round. Every round is in rounds.csv.";

  ComparisonReport {
    comparisons = List.copyOf(comparisons);
    setup = List.copyOf(setup);
  }

  /** Every table's rows, each led by its load's key (the number of connections for cleartext), for the CSV. */
  List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    for (Comparison comparison : comparisons) {
      comparison.rows().forEach(row -> {
        List<String> led = new ArrayList<>(List.of(comparison.workload().key()));
        led.addAll(row);
        rows.add(List.copyOf(led));
      });
    }
    return rows;
  }

  static List<String> header() {
    return header("connections");
  }

  /** The header of {@link #rows}, its first column, what tells the loads apart, named {@code lead}. */
  static List<String> header(String lead) {
    List<String> header = new ArrayList<>(List.of(lead));
    header.addAll(Comparison.HEADER);
    return List.copyOf(header);
  }

  /** Every round of every contender at every number of connections. */
  List<List<String>> roundRows() {
    return comparisons.stream().flatMap(c -> c.roundRows().stream()).toList();
  }

  /** The sections, charts linked under {@code chartPrefix} (empty, or a folder ending in {@code /}). */
  String markdown(String chartPrefix) {
    StringBuilder md = new StringBuilder(HOW_TO_READ).append("\n\n");
    comparisons.forEach(comparison -> md.append(comparison.markdown(chartPrefix)));
    md.append("Measured on:\n\n");
    setup.forEach(line -> md.append("- ").append(line).append('\n'));
    return md.toString();
  }
}
