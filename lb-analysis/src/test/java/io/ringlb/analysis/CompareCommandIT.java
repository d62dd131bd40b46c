package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The comparison harness, run short so it does not rot: real replicas, HAProxy, nginx and the
 * balancer this build makes, each loaded by wrk at two numbers of connections. It needs haproxy,
 * nginx and wrk installed (.ci/run installs them) and fails, not skips, without them.
 */
class CompareCommandIT {

  private static final List<String> CONTENDERS = List.of("replicas (direct)", "HAProxy", "nginx", "ringlb");

  @Test
  void aShortComparisonMeasuresEveryContenderInAlternatingRoundsAtEachConnectionCountAndWritesTheTablesIntoTheDocument(@TempDir Path out)
      throws Exception {
    Path doc = out.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nbefore\n\n" + CompareCommand.BEGIN + "\nold table\n" + CompareCommand.END + "\n\nafter\n");
    Path wlp = Path.of(System.getProperty("lb.wlp")).toAbsolutePath();

    int exit = new CommandLine(new Analysis()).execute("compare", "--parts", "cleartext", "--duration", "2", "--warmup", "1", "--rounds", "2", "--connections", "16,32",
        "--idle-window", "2", "--wlp", wlp.toString(), "--war", System.getProperty("lb.war"), "--out", out.resolve("compare").toString(),
        "--work", out.resolve("work").toString(), "--doc", doc.toString());

    assertThat(exit).isZero();
    assertThat(balancerJvmsOf(wlp)).as("ringlb's JVM, stopped with its bin/server").isEmpty();

    List<String> table = Files.readAllLines(out.resolve("compare/comparison.csv"));
    assertThat(table.getFirst()).startsWith("connections,contender,requests/s,vs HAProxy,p50 ms,p99 ms,p99 vs HAProxy");
    assertThat(table.subList(1, table.size())).extracting(row -> row.split(",")[0] + " " + row.split(",")[1])
        .containsExactly("16 replicas (direct)", "16 HAProxy", "16 nginx", "16 ringlb", "32 replicas (direct)", "32 HAProxy", "32 nginx", "32 ringlb");

    List<String[]> rounds = Files.readAllLines(out.resolve("compare/rounds.csv")).stream().skip(1).map(row -> row.split(",")).toList();
    assertThat(rounds).as("2 connection counts, 2 rounds, 4 contenders").hasSize(16);
    assertThat(rounds).extracting(row -> row[0] + " " + row[1] + " " + row[2])
        .as("each round measures everyone, starting with another contender").startsWith("16 1 replicas (direct)", "16 1 HAProxy", "16 1 ringlb", "16 1 nginx", "16 2 HAProxy");
    for (String[] round : rounds) {
      assertThat(Double.parseDouble(round[3])).as("requests/s of %s", Arrays.toString(round)).isPositive();
      assertThat(round[7]).as("errors of %s", Arrays.toString(round)).isEqualTo("0");
      // the shared replicas' processes are found and metered behind every contender, and hit directly
      assertThat(Double.parseDouble(round[10])).as("replicas' CPU s of %s", Arrays.toString(round)).isPositive();
      if (!round[2].equals("replicas (direct)")) {
        assertThat(Double.parseDouble(round[8])).as("CPU s of %s", Arrays.toString(round)).isPositive();
        assertThat(Long.parseLong(round[9])).as("peak RSS of %s", Arrays.toString(round)).isPositive();
      }
    }

    String report = Files.readString(out.resolve("compare/report.md"));
    assertThat(report).contains("### 16 connections", "### 32 connections", "| HAProxy | ", "| ringlb | ");
    for (String row : report.lines().filter(l -> l.startsWith("| ringlb |")).toList()) {
      String[] cells = row.split("\\|");
      assertThat(cells[3].strip()).as("ringlb's throughput against HAProxy, per round").matches("\\d+\\.\\d\\d \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d\\)");
      assertThat(cells[8].strip()).as("ringlb's errors").isEqualTo("0");
    }
    String document = Files.readString(doc);
    assertThat(document).startsWith("# Benchmarks\n\nbefore\n\n").endsWith("\n\nafter\n").doesNotContain("old table")
        .contains("Throughput: ", "CPU per request: ", "p99 latency: ", "RSS under load: ", "Errors: 0 in 2 rounds", "(rounds ")
        .contains("HAProxy version", "nginx version", "`bin/server run lb`", "`lb.key=uri`")
        .containsPattern("Over 2 s with no load, right after the first warm-up: HAProxy [0-9.]+ CPU s .*ringlb [0-9.]+ CPU s")
        .contains("compare/throughput-16.png", "compare/latency-32.png");
    // the setup names every option the balancer's server really runs with
    for (String option : Files.readAllLines(Path.of(System.getProperty("lb.wlp"), "usr/servers/lb/jvm.options"))) {
      if (!option.isBlank() && !option.strip().startsWith("#")) {
        assertThat(document).contains("`" + option.strip() + "`");
      }
    }
    for (String chart : List.of("throughput-16", "latency-16", "throughput-32", "latency-32")) {
      assertThat(out.resolve("compare/" + chart + ".png")).isNotEmptyFile();
      assertThat(out.resolve("compare/" + chart + ".svg")).isNotEmptyFile();
    }
    assertThat(Files.readString(out.resolve("compare/haproxy.cfg"))).contains("balance uri whole", "hash-type consistent");
    assertThat(Files.readString(out.resolve("compare/nginx.conf"))).contains("hash $request_uri consistent;");
  }

  /** JVMs still running the balancer server {@code lb} of {@code wlp}, however the path to its launcher is spelt. */
  private static List<ProcessHandle> balancerJvmsOf(Path wlp) throws IOException {
    Path launcher = wlp.resolve("bin/tools/ws-server.jar").toRealPath();
    return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
        .map(args -> !args.isEmpty() && args.getLast().equals("lb") && args.stream().anyMatch(arg -> sameFile(arg, launcher))).orElse(false)).toList();
  }

  private static boolean sameFile(String arg, Path file) {
    try {
      return arg.endsWith(file.getFileName().toString()) && Path.of(arg).toRealPath().equals(file);
    } catch (IOException | RuntimeException notAPath) {
      return false;
    }
  }
}
