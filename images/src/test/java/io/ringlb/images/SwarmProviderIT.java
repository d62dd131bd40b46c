package io.ringlb.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The swarm provider against a real single-node swarm, with the replica image this module built. */
class SwarmProviderIT {

  private static final String FLEET = "ringlb-swarm-it";
  private static final String NETWORK = "ringlb-swarm-it-net";

  private static Swarm swarm;

  private final PluginRegistry<ReplicaProvider> providers = PluginRegistry.load(ReplicaProvider.class);
  private final List<ReplicaLauncher> launchers = new ArrayList<>();

  @BeforeAll
  static void joinASwarm() {
    swarm = Swarm.up(FLEET);
  }

  @AfterAll
  static void leaveNothingBehind() {
    swarm.down(NETWORK);
    assertThat(Docker.docker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name")).as("task containers").isEmpty();
    assertThat(Docker.docker("network", "ls", "-q", "--filter", "name=^" + NETWORK + "$")).as("the overlay network").isEmpty();
  }

  @AfterEach
  void removeTheServices() {
    launchers.forEach(ReplicaLauncher::close);
    swarm.removeServices();
  }

  /** A balancer's launcher on this machine, which is not on the overlay network: replicas are reached at published ports. */
  private ReplicaLauncher launcher() {
    return launcher(NETWORK);
  }

  private ReplicaLauncher launcher(String network) {
    ReplicaLauncher launcher = providers.select("swarm").create(PluginConfig.of("lb.provider.swarm", Map.of(
        "lb.provider.swarm.image", System.getProperty("replica.image"),
        "lb.provider.swarm.network", network,
        "lb.provider.swarm.balancer", FLEET)));
    launchers.add(launcher);
    return launcher;
  }

  @Test
  void isAvailableOnASwarmManagerAndNeverChosenUnlessNamed() {
    assertThat(providers.select("swarm").isAvailable()).isTrue();
    assertThat(providers.best()).map(ReplicaProvider::name).hasValue("docker");
    assertThat(launcher().shared()).isTrue();
  }

  @Test
  void startsALabelledServiceOfOneTaskOnTheOverlayAndRemovesItOnStop() throws Exception {
    ReplicaLauncher launcher = launcher();
    assertThat(launcher.reachability()).startsWith("The balancer reaches replicas through the port each task publishes on its node's address")
        .contains("chosen because this balancer is not attached to " + NETWORK);
    Replica s1 = launcher.start(new ReplicaSpec("S1", 1));
    Replica s2 = launcher.start(new ReplicaSpec("S2", 2));

    await().atMost(Duration.ofSeconds(120)).until(() -> ReplicaHttp.status(s1, "/heartbeat") == 200 && ReplicaHttp.status(s2, "/heartbeat") == 200);
    assertThat(s2.host()).as("the node's address, which the swarm advertises on loopback").isEqualTo("127.0.0.1");
    assertThat(ReplicaHttp.body(s2, "/home"))
        .isEqualTo("{\"message\":\"Hello from Server: S2\",\"status\":\"successful\"}");
    assertThat(Docker.docker("service", "inspect", "-f",
        "{{.Spec.Name}} {{index .Spec.Labels \"io.ringlb.replica\"}} {{index .Spec.Labels \"io.ringlb.id\"}} {{.Spec.Mode.Replicated.Replicas}} "
            + "{{.Spec.EndpointSpec.Mode}} {{.Spec.TaskTemplate.ContainerSpec.Hostname}}", "S2"))
        .isEqualTo("S2 S2 2 1 dnsrr S2");
    assertThat(Docker.docker("network", "inspect", "-f", "{{.Driver}} {{.Attachable}}", NETWORK)).isEqualTo("overlay true");
    assertThat(Docker.docker("inspect", "-f", "{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}", Swarm.container("S1")))
        .contains(NETWORK);
    assertThat(launcher.list()).containsExactlyInAnyOrder(s1, s2);

    launcher.stop(s1);

    assertThat(Docker.docker("service", "ls", "-q", "--filter", "name=S1")).isEmpty();
    assertThat(launcher.list()).containsExactly(s2);
  }

  @Test
  void aKilledTaskIsRestartedBySwarmAndListedWhereItRunsNow() {
    ReplicaLauncher launcher = launcher();
    Replica s1 = launcher.start(new ReplicaSpec("S1", 1));
    String service = Docker.docker("service", "inspect", "-f", "{{.ID}}", "S1");

    Docker.docker("kill", Swarm.container("S1"));

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> launcher.list().stream().anyMatch(now -> now.name().equals("S1") && !now.equals(s1) && ReplicaHttp.status(now, "/heartbeat") == 200));
    assertThat(launcher.list()).singleElement().satisfies(now -> assertThat(now.id()).isEqualTo(1));
    assertThat(Docker.docker("service", "inspect", "-f", "{{.ID}}", "S1")).as("the same service: Swarm restarted its task").isEqualTo(service);
    assertThat(Swarm.tasks("S1")).hasSize(2);
  }

  @Test
  void launchersOfOneFleetShareItsServices() {
    ReplicaLauncher first = launcher();
    ReplicaLauncher second = launcher();
    Replica s1 = first.start(new ReplicaSpec("S1", 1));

    assertThat(second.list()).containsExactly(s1);
    assertThat(second.start(new ReplicaSpec("S1", 1))).as("a start of an existing service takes it").isEqualTo(s1);
    assertThat(Docker.docker("service", "ls", "-q", "--filter", "label=io.ringlb.balancer=" + FLEET).lines()).hasSize(1);
  }

  @Test
  void aRetiredReplicaIsNoLongerListedAndItsTaskRunsOnUntilStopped() {
    ReplicaLauncher launcher = launcher();
    Replica s1 = launcher.start(new ReplicaSpec("S1", 1));
    Replica s2 = launcher.start(new ReplicaSpec("S2", 2));
    await().atMost(Duration.ofSeconds(120)).until(() -> ReplicaHttp.status(s1, "/heartbeat") == 200);
    List<String> tasks = Swarm.tasks("S1");

    launcher.retire(s1);

    assertThat(launcher().list()).as("every launcher of the fleet").containsExactly(s2);
    assertThat(Swarm.tasks("S1")).as("a label changed, and nothing else: the same task runs").isEqualTo(tasks);
    assertThat(ReplicaHttp.status(s1, "/heartbeat")).isEqualTo(200);
    launcher.stop(s1);
    assertThat(Docker.docker("service", "ls", "-q", "--filter", "name=S1")).isEmpty();
  }

  @Test
  void twoServicesAddedUnderOneIdEndUnderTwo() {
    Replica s1 = launcher().start(new ReplicaSpec("S1", 1));
    Replica s2 = launcher().start(new ReplicaSpec("S2", 1)); // another balancer, which had not yet seen S1

    assertThat(s2.id()).isEqualTo(2);
    assertThat(launcher().list()).containsExactlyInAnyOrder(s1, s2);
    assertThat(Docker.docker("service", "inspect", "-f", "{{index .Spec.Labels \"io.ringlb.id\"}}", "S2")).isEqualTo("2");
  }

  @Test
  void neverTouchesAServiceThatIsNotItsFleets() {
    Docker.docker("service", "create", "-d", "--name", "S9", "--label", "io.ringlb.balancer=someone-else", System.getProperty("replica.image"));
    try {
      assertThatThrownBy(() -> launcher().start(new ReplicaSpec("S9", 9)))
          .isInstanceOf(ReplicaLaunchException.class)
          .hasMessageContaining("a service named S9 exists and is not this fleet's");
      launcher().stop(new Replica("S9", 9, "127.0.0.1", 8080));
      assertThat(Docker.docker("service", "ls", "-q", "--filter", "name=S9")).isNotEmpty();
      assertThat(launcher().list()).isEmpty();
    } finally {
      Docker.docker("service", "rm", "S9");
    }
  }

  @Test
  void refusesANetworkThatIsNotAnOverlay() {
    Docker.docker("network", "create", "-d", "bridge", "ringlb-swarm-it-bridge");
    try {
      assertThatThrownBy(() -> launcher("ringlb-swarm-it-bridge"))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("lb.provider.swarm.network")
          .hasMessageContaining("Swarm services need an overlay network");
    } finally {
      Docker.docker("network", "rm", "ringlb-swarm-it-bridge");
    }
  }

  @Test
  void aStartWhoseTaskCannotRunFailsAndLeavesNoService() {
    ReplicaLauncher launcher = providers.select("swarm").create(PluginConfig.of("lb.provider.swarm", Map.of(
        "lb.provider.swarm.image", "ringlb-no-such-image:0",
        "lb.provider.swarm.network", NETWORK,
        "lb.provider.swarm.balancer", FLEET)));
    launchers.add(launcher);

    assertThatThrownBy(() -> launcher.start(new ReplicaSpec("S1", 1)))
        .isInstanceOf(ReplicaLaunchException.class)
        .hasMessageContaining("Swarm ran no task of service S1 from ringlb-no-such-image:0");
    assertThat(Docker.docker("service", "ls", "-q", "--filter", "name=S1")).isEmpty();
  }
}
