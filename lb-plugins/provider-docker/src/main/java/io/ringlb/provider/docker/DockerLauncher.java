package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
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
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each replica as a container named by the replica's hostname, on the configured
 * user-defined network, labelled as this balancer's. The labels carry the replica's name and
 * id, so a restarted balancer recognises its replicas from the engine alone.
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

  DockerLauncher(DockerSettings settings) {
    this.settings = settings;
    this.docker = DockerClients.connect(settings.host(), Duration.ofSeconds(60));
    ensureNetwork();
    DockerClients.Reach reach = DockerClients.reach(docker, settings);
    this.address = reach.address();
    this.reachability = describe(address, reach.why());
    LOG.log(Level.INFO, reachability);
  }

  @Override
  public String reachability() {
    return reachability;
  }

  private String describe(DockerSettings.Address how, String why) {
    return how == DockerSettings.Address.NETWORK
        ? "The balancer reaches replicas by container name on network " + settings.network() + " (lb.provider.docker.address=network, "
            + why + "); set lb.provider.docker.address=published if it cannot resolve those names."
        : "The balancer reaches replicas through ports published on 127.0.0.1 (lb.provider.docker.address=published, "
            + why + "); set lb.provider.docker.address=network if it runs in a container on " + settings.network() + ".";
  }

  @Override
  public Replica start(ReplicaSpec spec) {
    try {
      clearName(spec.name());
      HostConfig host = HostConfig.newHostConfig()
          .withNetworkMode(settings.network())
          .withMemory(settings.memoryMiB() * 1024L * 1024L);
      if (address == DockerSettings.Address.PUBLISHED) {
        host.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), REPLICA_PORT));
      }
      String id = docker.createContainerCmd(settings.image())
          .withName(spec.name())
          .withHostName(spec.name())
          .withEnv("SERVER_ID=" + spec.name(), "HTTP_PORT=" + DockerSettings.REPLICA_PORT)
          .withExposedPorts(REPLICA_PORT)
          .withLabels(Map.of(BALANCER_LABEL, settings.balancer(), NAME_LABEL, spec.name(), ID_LABEL, Integer.toString(spec.id())))
          .withHostConfig(host)
          .exec()
          .getId();
      docker.startContainerCmd(id).exec();
      return replicaOf(docker.inspectContainerCmd(id).exec(), spec.name(), spec.id());
    } catch (DockerException | IllegalStateException e) {
      throw new ReplicaLaunchException("cannot start container " + spec.name() + " from " + settings.image() + ": " + e.getMessage(), e);
    }
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
    try {
      docker.removeContainerCmd(id).withForce(true).exec();
    } catch (NotFoundException gone) {
      // removed meanwhile
    }
  }

  /** This balancer's running replicas; its exited or dead containers are removed on the way. */
  @Override
  public List<Replica> list() {
    List<Replica> running = new ArrayList<>();
    for (Container container : containers()) {
      String name = container.getLabels().get(NAME_LABEL);
      if ("running".equals(container.getState())) {
        try {
          running.add(replicaOf(docker.inspectContainerCmd(container.getId()).exec(), name, Integer.parseInt(container.getLabels().get(ID_LABEL))));
        } catch (NotFoundException | NumberFormatException | IllegalStateException unusable) {
          LOG.log(Level.WARNING, "Ignoring container {0}: {1}", name, unusable.getMessage());
        }
      } else if ("exited".equals(container.getState()) || "dead".equals(container.getState())) {
        // not "created": a start for another replica may be between creating its container and starting it
        removeQuietly(container.getId());
      }
    }
    return running;
  }

  /** Removes the network too when this launcher made it and none of its containers is left. */
  @Override
  public void close() {
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

  private Replica replicaOf(InspectContainerResponse container, String name, int id) {
    if (address == DockerSettings.Address.NETWORK) {
      return new Replica(name, id, name, DockerSettings.REPLICA_PORT);
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
    return containers().stream().filter(container -> name.equals(container.getLabels().get(NAME_LABEL))).findFirst();
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
