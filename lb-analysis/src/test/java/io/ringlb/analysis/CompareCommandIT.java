package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The comparison harness, run short so it does not rot: real replicas, HAProxy, nginx and the
 * balancer this build makes, each loaded by wrk. It needs haproxy, nginx and wrk installed
 * (.ci/run installs them) and fails, not skips, without them.
 */
class CompareCommandIT {

  @Test
  void aShortComparisonMeasuresEveryContenderAndWritesTheTableIntoTheDocument(@TempDir Path out) throws Exception {
    Path doc = out.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nbefore\n\n" + CompareCommand.BEGIN + "\nold table\n" + CompareCommand.END + "\n\nafter\n");

    int exit = new CommandLine(new Analysis()).execute("compare", "--duration", "2", "--warmup", "1", "--rounds", "2",
        "--wlp", System.getProperty("lb.wlp"), "--war", System.getProperty("lb.war"), "--out", out.resolve("compare").toString(), "--work", out.resolve("work").toString(), "--doc", doc.toString());

    assertThat(exit).isZero();
    List<String> rows = Files.readAllLines(out.resolve("compare/comparison.csv"));
    assertThat(rows.get(0)).startsWith("contender,requests/s,vs HAProxy,p50 ms,p99 ms");
    assertThat(rows.subList(1, rows.size())).extracting(row -> row.split(",")[0]).containsExactly("replicas (direct)", "HAProxy", "nginx", "ringlb");
    assertThat(Files.readString(out.resolve("compare/report.md"))).contains("| HAProxy |", "| ringlb |");
    for (String row : Files.readAllLines(out.resolve("compare/report.md")).stream().filter(l -> l.startsWith("| ") && !l.startsWith("| contender")).toList()) {
      String[] cells = row.split("\\|");
      assertThat(Double.parseDouble(cells[2].strip().replace(",", ""))).as("requests/s of %s", cells[1]).isPositive();
      assertThat(cells[8].strip()).as("errors of %s", cells[1]).isEqualTo("0");
    }
    String document = Files.readString(doc);
    assertThat(document).startsWith("# Benchmarks\n\nbefore\n\n").endsWith("\n\nafter\n").doesNotContain("old table")
        .contains("| ringlb |", "Throughput: ", "p99 latency: ", "HAProxy version", "nginx version", "compare/throughput.png");
    assertThat(out.resolve("compare/throughput.png")).isNotEmptyFile();
    assertThat(out.resolve("compare/latency.svg")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("compare/haproxy.cfg"))).contains("balance uri whole", "hash-type consistent");
    assertThat(Files.readString(out.resolve("compare/nginx.conf"))).contains("hash $request_uri consistent;");
  }
}
