package io.ringlb.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The docker provider against the real engine, with the replica image this module built. Its
 * replicas are D1, D2…, not the S1, S2… of run.sh's fleet: containers a killed run left on the
 * engine hold those names, and a name held by another balancer's container is an error.
 */
class DockerProviderIT {

  private static final String NETWORK = "ringlb-it-net";
  private static final String BALANCER = "ringlb-it";

  private final PluginRegistry<ReplicaProvider> providers = PluginRegistry.load(ReplicaProvider.class);

  /** A launcher that starts every replica from scratch, whose containers these tests look at. */
  private ReplicaLauncher launcher() {
    return launcher("published", 0);
  }

  private ReplicaLauncher launcher(String address, int spares) {
    return providers.select("docker").create(PluginConfig.of("lb.provider.docker", Map.of(
        "lb.provider.docker.image", System.getProperty("replica.image"),
        "lb.provider.docker.network", NETWORK,
        "lb.provider.docker.balancer", BALANCER,
        "lb.provider.docker.address", address,
        "lb.provider.docker.spares", Integer.toString(spares))));
  }

  /** The names of this test's containers, running or not, sorted. */
  private static List<String> containerNames() {
    return Docker.docker("ps", "-a", "--filter", "label=io.ringlb.balancer=" + BALANCER, "--format", "{{.Names}}").lines().sorted().toList();
  }

  @AfterEach
  void removeWhatTheTestLeft() {
    Docker.run(Map.of(), List.of("sh", "-c",
        "docker rm -f $(docker ps -aq --filter label=io.ringlb.balancer=" + BALANCER + ") foreign-D9 2>/dev/null; docker network rm " + NETWORK + " 2>/dev/null; true"));
  }

  @Test
  void isTheProviderChosenWhenAnEngineAnswers() {
    assertThat(providers.select("docker").isAvailable()).as("a Docker engine answers here (.ci/run starts one)").isTrue();
    assertThat(providers.best()).map(ReplicaProvider::name).hasValue("docker");
  }

  @Test
  void startsLabelledContainersOnTheNetworkAndRemovesThemOnStop() throws Exception {
    ReplicaLauncher launcher = launcher();
    Replica s1 = launcher.start(new ReplicaSpec("D1", 1));
    Replica s2 = launcher.start(new ReplicaSpec("D2", 2));

    await().atMost(Duration.ofSeconds(120)).until(() -> ReplicaHttp.status(s1, "/heartbeat") == 200 && ReplicaHttp.status(s2, "/heartbeat") == 200);
    assertThat(ReplicaHttp.body(s2, "/home"))
        .isEqualTo("{\"message\":\"Hello from Server: D2\",\"status\":\"successful\"}");
    assertThat(Docker.docker("inspect", "-f", "{{.Name}} {{index .Config.Labels \"io.ringlb.replica\"}} {{index .Config.Labels \"io.ringlb.id\"}} {{.Config.Hostname}}", "D2"))
        .isEqualTo("/D2 D2 2 D2");
    assertThat(Docker.docker("inspect", "-f", "{{range $name, $n := .NetworkSettings.Networks}}{{$name}}{{end}}", "D1")).isEqualTo(NETWORK);
    assertThat(launcher.list()).containsExactlyInAnyOrder(s1, s2);

    launcher.stop(s1);

    assertThat(Docker.docker("ps", "-a", "--filter", "name=^D1$", "-q")).isEmpty();
    assertThat(launcher.list()).containsExactly(s2);
    launcher.stop(s2);
    launcher.close();
    assertThat(Docker.docker("network", "ls", "-q", "--filter", "name=^" + NETWORK + "$")).as("the network it made, once empty").isEmpty();
  }

  /**
   * This machine is itself a container ({@code /.dockerenv}), as many dev containers and CI
   * runners are, yet it is not on the replicas' network: {@code auto} must publish ports.
   */
  @Test
  void autoReachesReplicasThroughPublishedPortsFromAHostNotOnTheirNetwork() {
    ReplicaLauncher launcher = launcher("auto", 0);

    assertThat(launcher.reachability()).startsWith("The balancer reaches replicas through ports published on 127.0.0.1")
        .contains("chosen because this balancer is not attached to " + NETWORK, "lb.provider.docker.address=network");
    Replica s1 = launcher.start(new ReplicaSpec("D1", 1));
    assertThat(s1.host()).isEqualTo("127.0.0.1");
    await().atMost(Duration.ofSeconds(120)).until(() -> ReplicaHttp.status(s1, "/heartbeat") == 200);
    launcher.stop(s1);
    launcher.close();
  }

  @Test
  void aPausedContainerIsToldStoppedAndIsEndedAtOnce() {
    ReplicaLauncher launcher = launcher();
    Replica s1 = launcher.start(new ReplicaSpec("D1", 1));
    assertThat(launcher.stopped(s1)).as("running").isFalse();

    Docker.pause("D1");

    assertThat(launcher.stopped(s1)).as("paused: it will answer nothing however long one waits").isTrue();
    launcher.kill(s1);
    assertThat(containerNames()).isEmpty();
    launcher.close();
  }

  @Test
  void aNewLauncherFindsTheRunningReplicasAndForgetsDeadOnes() {
    ReplicaLauncher first = launcher();
    Replica s1 = first.start(new ReplicaSpec("D1", 1));
    Replica s2 = first.start(new ReplicaSpec("D2", 2));
    Docker.docker("kill", "D2");

    ReplicaLauncher second = launcher();

    assertThat(second.list()).containsExactly(s1);
    assertThat(Docker.docker("ps", "-a", "-q", "--filter", "name=^D2$")).as("the dead container, removed").isEmpty();
    second.stop(s1);
    assertThat(second.list()).isEmpty();
    assertThat(s2.name()).isEqualTo("D2");
  }

  @Test
  void neverTouchesAContainerThatIsNotItsOwn() {
    Docker.docker("run", "-d", "--name", "foreign-D9", "--label", "io.ringlb.balancer=someone-else", System.getProperty("replica.image"));
    Docker.docker("rename", "foreign-D9", "D9");
    try {
      assertThatThrownBy(() -> launcher().start(new ReplicaSpec("D9", 9)))
          .isInstanceOf(ReplicaLaunchException.class)
          .hasMessageContaining("a container named D9 exists and is not this balancer's");
      assertThat(Docker.docker("ps", "-q", "--filter", "name=^D9$")).isNotEmpty();
    } finally {
      Docker.docker("rm", "-f", "D9");
    }
  }

  @Test
  void aStartTakesASpareStartedAheadRenamedIntoTheReplicaAndAnotherStartsBehindIt() throws Exception {
    ReplicaLauncher launcher = launcher("published", 1);
    Replica s1 = launcher.start(new ReplicaSpec("D1", 1)); // the first start finds no spare: the spares start behind it
    String spareRunning = "name=^" + BALANCER + "_spare_1$";
    await().atMost(Duration.ofSeconds(60)).until(() -> !Docker.docker("ps", "-q", "--filter", spareRunning).isEmpty());
    String spare = Docker.docker("ps", "-q", "--no-trunc", "--filter", spareRunning);

    Replica s2 = launcher.start(new ReplicaSpec("D2", 2));

    assertThat(Docker.docker("ps", "-q", "--no-trunc", "--filter", "name=^D2$")).as("the spare's container, now D2").isEqualTo(spare);
    await().atMost(Duration.ofSeconds(120)).until(() -> ReplicaHttp.status(s2, "/heartbeat") == 200);
    assertThat(ReplicaHttp.body(s2, "/home"))
        .as("it answers as the replica it became, under no other name").isEqualTo("{\"message\":\"Hello from Server: D2\",\"status\":\"successful\"}");
    await().atMost(Duration.ofSeconds(60)).until(() -> containerNames().equals(List.of("D1", "D2", BALANCER + "_spare_1")));
    assertThat(launcher.list()).containsExactlyInAnyOrder(s1, s2);

    ReplicaLauncher restarted = launcher("published", 1); // a balancer that crashed and starts again
    assertThat(restarted.list()).as("D2 with the id it was given, read from the container").containsExactlyInAnyOrder(s1, s2);
    restarted.stop(s2);
    assertThat(containerNames()).containsExactly("D1", BALANCER + "_spare_1");
    restarted.stop(s1);
    restarted.close();
    assertThat(containerNames()).as("spares go with their launcher").isEmpty();
    launcher.close();
  }
}
