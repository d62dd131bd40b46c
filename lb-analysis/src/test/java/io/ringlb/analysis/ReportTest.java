package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @Test
  void writesTablesAsMarkdownAndTheSameRowsAsCsv(@TempDir Path folder) throws Exception {
    Report report = new Report(folder, "Title", "Intro.");
    report.section("A-1", "Text.").chart("a1", "a chart").table("a1", List.of("strategy", "share"), List.of(List.of("ring, default", "33.3%"), List.of("a|b", "say \"hi\"")));

    String markdown = Files.readString(report.write());

    assertThat(markdown).startsWith("# Title\n\nIntro.\n\n## A-1\n\nText.\n\n![a chart](a1.png)\n([SVG](a1.svg))\n\n")
        .contains("| strategy | share |\n|---|---|\n| ring, default | 33.3% |\n| a\\|b | say \"hi\" |\n")
        .contains("Raw numbers: [a1.csv](a1.csv)");
    assertThat(Files.readString(folder.resolve("a1.csv"))).isEqualTo("strategy,share\n\"ring, default\",33.3%\na|b,\"say \"\"hi\"\"\"\n");
  }

  @Test
  void rangesSpanEveryNamedSeries() {
    Map<String, List<? extends Number>> series = Map.of("a", List.of(1.5, 1.2), "b", List.of(1.9), "c", List.of(9.0));

    assertThat(SimulateCommand.range(series, "a", "b")).isEqualTo("1.20 to 1.90");
  }
}
