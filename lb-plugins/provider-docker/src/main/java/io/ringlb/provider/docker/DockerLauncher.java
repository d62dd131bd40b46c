package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each replica as a container named by the replica's hostname, on the configured
 * user-defined network, labelled as this balancer's. The labels carry the replica's name and
 * id, so a restarted balancer recognises its replicas from the engine alone; a replica that was
 * a spare ({@link DockerSpares}) carries them in its container name and a file.
 */
final class DockerLauncher implements ReplicaLauncher {

  private static final System.Logger LOG = System.getLogger(DockerLauncher.class.getName());

  static final String BALANCER_LABEL = "io.ringlb.balancer";
  static final String NAME_LABEL = "io.ringlb.replica";
  static final String ID_LABEL = "io.ringlb.id";
  static final String NETWORK_LABEL = "io.ringlb.network";

  private static final ExposedPort REPLICA_PORT = ExposedPort.tcp(DockerSettings.REPLICA_PORT);

  private final DockerSettings settings;
  private final DockerClient docker;
  /** How replicas are reached: never {@code AUTO}. */
  private final DockerSettings.Address address;
  private final String reachability;
  private final DockerSpares spares;

  DockerLauncher(DockerSettings settings) {
    this.settings = settings;
    this.docker = DockerClients.connect(settings.host(), Duration.ofSeconds(60));
    ensureNetwork();
    DockerClients.Reach reach = DockerClients.reach(docker, settings);
    this.address = reach.address();
    this.reachability = describe(address, reach.why());
    LOG.log(Level.INFO, reachability);
    this.spares = new DockerSpares(docker, settings.balancer(), settings.spares(), this::create);
    List<Container> ours = containers();
    spares.adopt(ours);
    if (ours.stream().anyMatch(container -> replicaName(container) != null)) {
      spares.refillLater(); // replicas to adopt, so no start may come to start the spares
    }
  }

  @Override
  public String reachability() {
    return reachability;
  }

  private String describe(DockerSettings.Address how, String why) {
    return how == DockerSettings.Address.NETWORK
        ? "The balancer reaches replicas at their addresses on network " + settings.network() + " (lb.provider.docker.address=network, "
            + why + "); set lb.provider.docker.address=published if it cannot reach them."
        : "The balancer reaches replicas through ports published on 127.0.0.1 (lb.provider.docker.address=published, "
            + why + "); set lb.provider.docker.address=network if it runs in a container on " + settings.network() + ".";
  }

  /**
   * A spare, renamed into the replica, when one runs; otherwise a new container. Either way
   * another spare starts behind it, so the first spare comes up once the first replicas have
   * their containers, not in their way.
   */
  @Override
  public Replica start(ReplicaSpec spec) {
    try {
      clearName(spec.name());
      Optional<String> spare = spares.take(spec);
      String id = spare.isPresent() ? spare.get() : startNew(spec);
      spares.refillLater();
      return replicaOf(docker.inspectContainerCmd(id).exec(), spec.name(), spec.id());
    } catch (DockerException | IllegalStateException e) {
      throw new ReplicaLaunchException("cannot start container " + spec.name() + " from " + settings.image() + ": " + e.getMessage(), e);
    }
  }

  private String startNew(ReplicaSpec spec) {
    String id = create(spec.name(), List.of("SERVER_ID=" + spec.name()),
        Map.of(BALANCER_LABEL, settings.balancer(), NAME_LABEL, spec.name(), ID_LABEL, Integer.toString(spec.id())));
    docker.startContainerCmd(id).exec();
    return id;
  }

  /** A replica container on the network, not yet started: named and host-named {@code name}, with these variables beside its port's. */
  private String create(String name, List<String> environment, Map<String, String> labels) {
    HostConfig host = HostConfig.newHostConfig()
        .withNetworkMode(settings.network())
        .withMemory(settings.memoryMiB() * 1024L * 1024L);
    if (address == DockerSettings.Address.PUBLISHED) {
      host.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), REPLICA_PORT));
    }
    List<String> env = new ArrayList<>(environment);
    env.add("HTTP_PORT=" + DockerSettings.REPLICA_PORT);
    return docker.createContainerCmd(settings.image())
        .withName(name)
        .withHostName(name.replace('_', '-')) // a spare's name is no hostname
        .withEnv(env)
        .withExposedPorts(REPLICA_PORT)
        .withLabels(labels)
        .withHostConfig(host)
        .exec()
        .getId();
  }

  /** Stops the container gracefully if it can, then removes it: paused or dead, it goes. */
  @Override
  public void stop(Replica replica) {
    Optional<Container> container = ours(replica.name());
    if (container.isEmpty()) {
      return;
    }
    String id = container.get().getId();
    try {
      if ("running".equals(container.get().getState())) {
        docker.stopContainerCmd(id).withTimeout(5).exec();
      }
    } catch (DockerException stillThere) {
      // paused, or already stopping: removal with force takes care of it
    }
    removeQuietly(id);
  }

  /** Removes the container with force, at once: a hung one would spend a graceful stop's whole timeout. */
  @Override
  public void kill(Replica replica) {
    ours(replica.name()).ifPresent(container -> removeQuietly(container.getId()));
  }

  /** Whether its container is paused: {@code docker pause} freezes every process in it. */
  @Override
  public boolean stopped(Replica replica) {
    return ours(replica.name()).map(container -> "paused".equals(container.getState())).orElse(false);
  }

  /** This balancer's running replicas; its exited or dead containers are removed on the way. */
  @Override
  public List<Replica> list() {
    List<Replica> running = new ArrayList<>();
    for (Container container : containers()) {
      if ("exited".equals(container.getState()) || "dead".equals(container.getState())) {
        // not "created": a start for another replica may be between creating its container and starting it
        removeQuietly(container.getId());
        continue;
      }
      String name = replicaName(container);
      if (name != null && "running".equals(container.getState())) {
        try {
          running.add(replicaOf(docker.inspectContainerCmd(container.getId()).exec(), name, replicaId(container)));
        } catch (NotFoundException | NumberFormatException | IllegalStateException | UncheckedIOException unusable) {
          LOG.log(Level.WARNING, "Ignoring container {0}: {1}", name, unusable.getMessage());
        }
      }
    }
    return running;
  }

  /**
   * The replica a container of this balancer serves as: the one its labels name, or for a spare
   * some start has taken, its container name. Null for a spare not taken yet.
   */
  private String replicaName(Container container) {
    if (!DockerSpares.wasSpare(container)) {
      return container.getLabels().get(NAME_LABEL);
    }
    return spares.isSpare(container) ? null : DockerSpares.nameOf(container);
  }

  private int replicaId(Container container) {
    return DockerSpares.wasSpare(container) ? spares.idOf(container.getId()) : Integer.parseInt(container.getLabels().get(ID_LABEL));
  }

  /** Removes the spares, and the network too when this launcher made it and none of its containers is left. */
  @Override
  public void close() {
    spares.close();
    try {
      if (containers().isEmpty()) {
        for (Network network : networks()) {
          if (settings.balancer().equals(network.getLabels().get(NETWORK_LABEL))) {
            docker.removeNetworkCmd(network.getId()).exec();
          }
        }
      }
    } catch (DockerException e) {
      LOG.log(Level.WARNING, "Could not remove network " + settings.network(), e);
    }
    try {
      docker.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not close the Docker client", e);
    }
  }

  /**
   * The replica a container is, at its address on the network rather than its name: a
   * replacement gets a new address at once, where the JVM would keep a name's old one for its DNS
   * cache's 30 s, and the data plane tells the two instances apart.
   */
  private Replica replicaOf(InspectContainerResponse container, String name, int id) {
    if (address == DockerSettings.Address.NETWORK) {
      ContainerNetwork attached = container.getNetworkSettings().getNetworks().get(settings.network());
      if (attached == null || attached.getIpAddress() == null || attached.getIpAddress().isEmpty()) {
        throw new IllegalStateException("container " + name + " has no address on " + settings.network());
      }
      return new Replica(name, id, attached.getIpAddress(), DockerSettings.REPLICA_PORT);
    }
    Ports.Binding[] bindings = container.getNetworkSettings().getPorts().getBindings().get(REPLICA_PORT);
    if (bindings == null || bindings.length == 0) {
      throw new IllegalStateException("container " + name + " publishes no port for " + REPLICA_PORT);
    }
    return new Replica(name, id, "127.0.0.1", Integer.parseInt(bindings[0].getHostPortSpec()));
  }

  /** A container of this name that is ours is removed; one that is not is an error, never touched. */
  private void clearName(String name) {
    for (Container container : docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec()) {
      if (!List.of(container.getNames()).contains("/" + name)) {
        continue; // the filter matches substrings
      }
      if (!settings.balancer().equals(container.getLabels().get(BALANCER_LABEL))) {
        throw new ReplicaLaunchException("a container named " + name + " exists and is not this balancer's");
      }
      removeQuietly(container.getId());
    }
  }

  private Optional<Container> ours(String name) {
    return containers().stream().filter(container -> name.equals(replicaName(container))).findFirst();
  }

  private List<Container> containers() {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(BALANCER_LABEL, settings.balancer())).exec();
  }

  private List<Network> networks() {
    return docker.listNetworksCmd().withNameFilter(settings.network()).exec().stream()
        .filter(network -> network.getName().equals(settings.network()))
        .toList();
  }

  private void ensureNetwork() {
    if (networks().isEmpty()) {
      docker.createNetworkCmd()
          .withName(settings.network())
          .withDriver("bridge")
          .withLabels(Map.of(NETWORK_LABEL, settings.balancer()))
          .exec();
      LOG.log(Level.INFO, "Created network {0}", settings.network());
    }
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).exec();
    } catch (NotFoundException gone) {
      // removed meanwhile
    }
  }
}
