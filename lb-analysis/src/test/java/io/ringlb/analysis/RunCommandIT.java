package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short A-1 against the real balancer this build makes, started by the command itself. */
class RunCommandIT {

  @Test
  void aShortA1CountsEveryRequestOnTheReplicasThatServedIt(@TempDir Path out) throws Exception {
    int exit = new CommandLine(new Analysis()).execute("run", "--only", "a1", "--requests", "1000",
        "--wlp", System.getProperty("lb.wlp"), "--war", System.getProperty("lb.war"), "--out", out.toString());

    assertThat(exit).isZero();
    assertThat(out.resolve("a1-requests-per-replica.png")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("a1-requests-per-replica.svg"))).contains("<svg");
    List<String> rows = Files.readAllLines(out.resolve("a1-requests-per-replica.csv"));
    assertThat(rows.get(0)).isEqualTo("replica,requests,share");
    assertThat(rows.subList(1, rows.size())).extracting(row -> row.split(",")[0]).containsExactly("S1", "S2", "S3");
    assertThat(rows.subList(1, rows.size()).stream().mapToInt(row -> Integer.parseInt(row.split(",")[1])).sum()).isEqualTo(1000);
    assertThat(Files.readString(out.resolve("report.md"))).contains("## A-1: requests per replica", "1,000 requests to 3 replicas");
  }

  /**
   * What a user does to add a strategy or a key: drop its jar in the plugins directory and name it. The key plugin
   * keys requests by a bearer token's claim; A-1's requests carry none, so they go on to the random id.
   */
  @Test
  void strategyAndKeyJarsDroppedInThePluginsDirectoryAreUsedByTheBalancer(@TempDir Path out, @TempDir Path plugins) throws Exception {
    Files.copy(Path.of(System.getProperty("example.jar")), plugins.resolve("example-strategy.jar"));
    Files.copy(Path.of(System.getProperty("example.key.jar")), plugins.resolve("example-key-jwt.jar"));

    int exit = new CommandLine(new Analysis()).execute("run", "--only", "a1", "--requests", "300",
        "--set", "lb.plugins.dir=" + plugins, "--set", "lb.strategy=modulo", "--set", "lb.key=jwt-claim",
        "--wlp", System.getProperty("lb.wlp"), "--war", System.getProperty("lb.war"), "--out", out.toString());

    assertThat(exit).isZero();
    assertThat(Files.readString(out.resolve("balancer.log"))).contains("routing with ModuloRing", "by lb.key=jwt-claim;");
    assertThat(Files.readAllLines(out.resolve("a1-requests-per-replica.csv"))).hasSize(1 + 3);
  }
}
