package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private static Measurement run(String contender, long requests, long p99Micros) {
    return new Measurement(contender, new WrkResult(requests, 10.0, 1_000, p99Micros, 2 * p99Micros, 0),
        Optional.of(new Measurement.ResourceUse(2.0, 10 << 20, 12 << 20)), List.of(requests / 10.0));
  }

  @Test
  void wrksResultLineIsRead() {
    String output = "Running 2s test @ http://127.0.0.1:1\n  2 threads and 64 connections\n"
        + "RESULT requests=1234 duration_us=2000000 p50_us=1500 p99_us=9000 p999_us=12000 errors=3\n";

    assertThat(WrkResult.parse(output)).contains(new WrkResult(1234, 2.0, 1500, 9000, 12000, 3));
    assertThat(WrkResult.parse("no result")).isEmpty();
  }

  @Test
  void theMedianRoundIsKeptWithEveryRoundsThroughput() {
    Measurement median = Measurement.median(List.of(run("ringlb", 300, 5), run("ringlb", 100, 7), run("ringlb", 200, 6)));

    assertThat(median.load().requests()).isEqualTo(200);
    assertThat(median.roundsPerSecond()).containsExactly(30.0, 10.0, 20.0);
  }

  @Test
  void ratiosAreAgainstHaproxyAndTheVerdictsFollowTheTargets() {
    Comparison comparison = new Comparison(List.of(run("HAProxy", 1000, 4000), run("ringlb", 850, 9000)), List.of("machine"));

    assertThat(comparison.rows().get(1)).containsSequence("ringlb", "85", "0.85", "1.00", "9.00", "2.25");
    assertThat(comparison.rows().get(1).get(8)).isEqualTo("23.53"); // 2 CPU s over 850 requests, per 10,000
    assertThat(comparison.verdicts()).containsExactly(
        "Throughput: 0.85 of HAProxy's, target at least 0.8: **met**.",
        "p99 latency: 2.25 times HAProxy's, target at most 2.0: **missed**.");
    assertThat(comparison.markdown("compare/")).contains("| ringlb | 85 | 0.85 |", "](compare/throughput.png)", "- machine");
  }

  @Test
  void withoutHaproxyThereIsNoBaseline() {
    assertThatThrownBy(() -> new Comparison(List.of(run("ringlb", 1, 1)), List.of()).rows())
        .hasMessageContaining("needs HAProxy's run");
  }

  @Test
  void theSectionReplacesTheOldOneBetweenTheMarkersOrIsAppended() {
    String doc = "# B\n\n" + CompareCommand.BEGIN + "\nold\n" + CompareCommand.END + "\ntail\n";

    assertThat(CompareCommand.splice(doc, "new\n")).isEqualTo("# B\n\n" + CompareCommand.BEGIN + "\nnew\n" + CompareCommand.END + "\ntail\n");
    assertThat(CompareCommand.splice("# B", "new\n")).isEqualTo("# B\n\n## ringlb beside HAProxy and nginx\n\n"
        + CompareCommand.BEGIN + "\nnew\n" + CompareCommand.END + "\n");
  }
}
