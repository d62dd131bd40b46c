package io.ringlb.images;

import java.util.List;
import java.util.Map;

/**
 * A swarm for a test class: a single node on loopback, initialised when the engine is in none
 * and left afterwards, with the services and networks it held. On an engine already in a swarm,
 * only what the test labelled is removed.
 */
final class Swarm {

  private final boolean initialised;
  /** The bridge a node's containers reach the world through: made by the first init, and left behind by a leave. */
  private final boolean madeGatewayBridge;
  private final String fleet;

  private Swarm(boolean initialised, boolean madeGatewayBridge, String fleet) {
    this.initialised = initialised;
    this.madeGatewayBridge = madeGatewayBridge;
    this.fleet = fleet;
  }

  /**
   * Joins the engine to a swarm of its own unless it already manages one.
   *
   * @param fleet the value of the {@code io.ringlb.balancer} label on the services the test makes
   */
  static Swarm up(String fleet) {
    String state = Docker.docker("info", "-f", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");
    if (state.equals("active true")) {
      return new Swarm(false, false, fleet);
    }
    String wouldBeCutOff = containersOnAttachableNetworks();
    if (!wouldBeCutOff.isEmpty()) {
      throw new AssertionError("This engine runs containers on attachable networks (" + wouldBeCutOff + "), which the swarm the test makes"
          + " would disconnect them from when it leaves (Docker disconnects every container from every attachable network then)."
          + " Stop them, or make the engine a swarm manager for the tests to use as it is.");
    }
    boolean bridgeBefore = !Docker.docker("network", "ls", "-q", "--filter", "name=^docker_gwbridge$").isEmpty();
    Docker.docker("swarm", "init", "--advertise-addr", "127.0.0.1");
    return new Swarm(true, !bridgeBefore, fleet);
  }

  /** The containers on the engine's attachable networks, as "network: container…;", or empty for none. */
  private static String containersOnAttachableNetworks() {
    StringBuilder found = new StringBuilder();
    for (String network : Docker.docker("network", "ls", "-q").lines().toList()) {
      // one at a time: a network removed meanwhile (by another project) fails its own inspect alone, and holds no container
      Docker.Result inspected = Docker.run(Map.of(), List.of("docker", "network", "inspect", "-f",
          "{{if .Attachable}}{{if .Containers}}{{.Name}}:{{range .Containers}} {{.Name}}{{end}};{{end}}{{end}}", network));
      if (inspected.exit() == 0) {
        found.append(inspected.output());
      }
    }
    return found.toString();
  }

  /**
   * How long Swarm may take to remove the containers of services it was told to remove: it does
   * so asynchronously, each task stopped with its grace period, and on a new, busy machine that
   * took over 30 s.
   */
  private static final int REMOVAL_WAIT_SECONDS = 180;

  /** Removes the test's services, then leaves the swarm if this made it; nothing of either stays. */
  void down(String... networks) {
    removeServices();
    if (initialised) {
      Docker.docker("swarm", "leave", "--force");
      awaitNoContainers("label=com.docker.swarm.service.id");
      if (madeGatewayBridge) {
        Docker.docker("network", "rm", "docker_gwbridge");
      }
    } else {
      for (String network : networks) {
        Docker.run(Map.of(), List.of("docker", "network", "rm", network));
      }
    }
  }

  /** Removes every service the test labelled, and waits for their containers to go. */
  void removeServices() {
    String services = Docker.docker("service", "ls", "-q", "--filter", "label=io.ringlb.balancer=" + fleet);
    if (services.isEmpty()) {
      return;
    }
    List<String> ids = services.lines().toList();
    List<String> command = new java.util.ArrayList<>(List.of("service", "rm"));
    command.addAll(ids);
    Docker.docker(command.toArray(String[]::new));
    ids.forEach(id -> awaitNoContainers("label=com.docker.swarm.service.id=" + id));
  }

  /**
   * Removes a stack deployed with {@code docker stack deploy}, and waits for its containers to go.
   * {@code docker stack rm} removes the services asynchronously but the stack's networks at once,
   * and a network whose tasks are still stopping is refused ("in use by task": seen on a new, busy
   * machine); the command is given again once the containers have gone, until the network goes
   * too. Any other failure fails the test at once.
   */
  static void removeStack(String stack) {
    List<String> command = List.of("docker", "stack", "rm", stack);
    long deadline = System.nanoTime() + REMOVAL_WAIT_SECONDS * 1_000_000_000L;
    while (true) {
      Docker.Result removed = Docker.run(Map.of(), command);
      awaitNoContainers("label=com.docker.stack.namespace=" + stack);
      if (removed.exit() == 0) {
        return;
      }
      if (!removed.output().contains("is in use by task") || System.nanoTime() - deadline > 0) {
        throw new AssertionError(command + " failed (" + removed.exit() + "): " + removed.output());
      }
      sleep(1_000);
    }
  }

  /** Waits until no container, running or not, matches {@code filter}; fails naming those left after {@link #REMOVAL_WAIT_SECONDS}. */
  private static void awaitNoContainers(String filter) {
    long deadline = System.nanoTime() + REMOVAL_WAIT_SECONDS * 1_000_000_000L;
    String left;
    while (!(left = Docker.docker("ps", "-a", "--filter", filter, "--format", "{{.Names}} {{.Status}}")).isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Swarm left containers (" + filter + ") " + REMOVAL_WAIT_SECONDS + " s after their removal: " + left);
      }
      sleep(250);
    }
  }

  /** The id of the running container of the service's task, on this node; not one of an earlier service of that name still stopping. */
  static String container(String service) {
    String id = Docker.docker("service", "inspect", "-f", "{{.ID}}", service);
    return Docker.docker("ps", "-q", "--filter", "label=com.docker.swarm.service.id=" + id, "--filter", "status=running");
  }

  /** The service's tasks, as "id desired-state", newest first. */
  static List<String> tasks(String service) {
    String tasks = Docker.docker("service", "ps", "--no-trunc", "--format", "{{.ID}} {{.DesiredState}}", service);
    return tasks.isEmpty() ? List.of() : tasks.lines().toList();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
