package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {

  @Test
  void writesEveryChartTableAndTheReport(@TempDir Path out) throws Exception {
    int exit = new CommandLine(new Analysis()).execute("simulate", "--keys", "20000", "--max-replicas", "100", "--out", out.toString());

    assertThat(exit).isZero();
    for (String chart : List.of("a1-share-per-replica", "a2-load-per-replica", "a4-max-over-mean", "scaling-max-over-mean", "skewed-share-per-replica")) {
      assertThat(out.resolve(chart + ".png")).isNotEmptyFile();
      assertThat(Files.readString(out.resolve(chart + ".svg"))).contains("<svg");
    }
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("## A-1: three replicas", "## A-2", "## A-4", "## Many replicas", "## A hot key, and bounded loads", "![");
    // the exercise's functions load one of three replicas with about 84% of the requests (SPEC.md)
    List<String> a1 = Files.readAllLines(out.resolve("a1-share-per-replica.csv"));
    assertThat(a1.get(0)).isEqualTo("strategy,S1,S2,S3,max/mean,cv");
    assertThat(a1.get(1)).startsWith("classic (exercise),8");
    assertThat(a1).anySatisfy(line -> assertThat(line).startsWith("ring,3"));
    assertThat(Files.readAllLines(out.resolve("scaling.csv"))).hasSize(1 + 4 * 2); // 4 strategies at N = 10 and 100
    // a hot key over three replicas: with factor 125 the busiest holds about 1.25 times the mean, give or take the rounding up
    List<String> skewed = Files.readAllLines(out.resolve("skewed-in-flight.csv"));
    assertThat(skewed).hasSize(1 + 2 * 3);
    String[] unbounded = skewed.get(1).split(",");
    String[] bounded = skewed.get(3).split(",");
    assertThat(bounded[1]).isEqualTo("125");
    assertThat(Double.parseDouble(bounded[4])).as("busiest over mean, bounded").isLessThan(1.4).isLessThan(Double.parseDouble(unbounded[4]));
  }

  @Test
  void refusesAnUnknownOptionWithUsage() {
    assertThat(new CommandLine(new Analysis()).execute("simulate", "--keyz", "5")).isEqualTo(2);
  }
}
