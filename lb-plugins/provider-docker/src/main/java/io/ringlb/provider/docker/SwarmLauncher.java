package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Runs each replica as a Swarm service of one task, named by the replica's hostname, on an
 * attachable overlay network, labelled as its fleet's. Swarm owns the replicas: it starts a
 * service's task, restarts it when it dies, and stops it when the service is removed. Every
 * balancer whose {@code balancer} setting names the same fleet shares these services ({@link
 * #shared}), and a balancer only creates a service for {@code /add} and removes one for {@code
 * /rm}: no two balancers ever race to replace a replica that died.
 *
 * <p>Services resolve by DNS round robin, not through a virtual IP, and a replica is reached at
 * its task's own address: on the overlay network, or at the port the task publishes on its node.
 * Either way no IPVS is needed, which many kernels and containers lack, and a task Swarm
 * restarts is followed to its new address by {@link #list}.
 */
final class SwarmLauncher implements ReplicaLauncher {

  private static final System.Logger LOG = System.getLogger(SwarmLauncher.class.getName());

  /** Set on a service being removed: no balancer lists it any more, so all stop sending it requests before it stops. */
  static final String RETIRED_LABEL = "io.ringlb.retired";

  /** Swarm waits 5 s before restarting a task by default; a replica that died should serve again in seconds. */
  private static final Duration RESTART_DELAY = Duration.ofMillis(500);
  /** How long a start waits for the service's task to run: pulling nothing, a task runs in a second or two. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  /** Tasks of a new service that may fail before its start gives up: the image is missing, or no node has the memory. */
  private static final int FAILED_TASKS = 3;
  private static final Duration POLL = Duration.ofMillis(100);

  private final DockerSettings settings;
  private final DockerClient docker;
  /** How replicas are reached: never {@code AUTO}. */
  private final DockerSettings.Address address;
  private final String reachability;
  /** Where each replica was last found: between two tasks, a replica is listed where the last one ran. */
  private final Map<String, Replica> lastSeen = new ConcurrentHashMap<>();
  /** Each node's address, by node id: where the ports its tasks publish are reached. */
  private final Map<String, String> nodes = new ConcurrentHashMap<>();

  SwarmLauncher(DockerSettings settings) {
    this.settings = settings;
    this.docker = DockerClients.connect(settings.host(), Duration.ofSeconds(60));
    SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
    if (swarm == null || !Boolean.TRUE.equals(swarm.getControlAvailable())) {
      throw new InvalidConfigException("lb.provider.swarm.host", "the engine at " + settings.host()
          + " is not a Swarm manager: run 'docker swarm init' there, or point lb.provider.swarm.host at a manager");
    }
    ensureNetwork();
    DockerClients.Reach reach = DockerClients.reach(docker, settings);
    this.address = reach.address();
    this.reachability = describe(address, reach.why());
    LOG.log(Level.INFO, reachability);
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String reachability() {
    return reachability;
  }

  private String describe(DockerSettings.Address how, String why) {
    return how == DockerSettings.Address.NETWORK
        ? "The balancer reaches replicas at their tasks' addresses on overlay network " + settings.network()
            + " (lb.provider.swarm.address=network, " + why + "); set lb.provider.swarm.address=published if it is not on that network."
        : "The balancer reaches replicas through the port each task publishes on its node's address (lb.provider.swarm.address=published, "
            + why + "); set lb.provider.swarm.address=network if it runs on " + settings.network() + ".";
  }

  /**
   * Creates the replica's service, or takes the one another balancer has just created under the
   * same name, and answers once its task runs.
   */
  @Override
  public Replica start(ReplicaSpec spec) {
    boolean created = false;
    try {
      Optional<Service> found = service(spec.name());
      if (found.isEmpty()) {
        try {
          docker.createServiceCmd(serviceSpec(spec)).exec();
          created = true;
        } catch (ConflictException raced) {
          // another balancer of the fleet created it a moment ago: the same replica
        }
        found = service(spec.name());
      }
      Service service = found.orElseThrow(() -> new ReplicaLaunchException("service " + spec.name() + " was removed as it was created"));
      if (!ours(service)) {
        throw new ReplicaLaunchException("a service named " + spec.name() + " exists and is not this fleet's");
      }
      if (service.getSpec().getLabels().containsKey(RETIRED_LABEL)) {
        throw new ReplicaLaunchException("service " + spec.name() + " is being removed through another balancer");
      }
      Replica replica = awaitTask(withUniqueId(service));
      lastSeen.put(replica.name(), replica);
      return replica;
    } catch (RuntimeException e) { // the transport's I/O errors too: a service made here never outlives a failed start
      if (created) {
        removeQuietly(spec.name());
      }
      throw e instanceof ReplicaLaunchException launch ? launch
          : new ReplicaLaunchException("cannot create service " + spec.name() + " from " + settings.image() + ": " + e.getMessage(), e);
    }
  }

  /** Removes the replica's service; Swarm stops its task. */
  @Override
  public void stop(Replica replica) {
    lastSeen.remove(replica.name());
    service(replica.name()).filter(this::ours).filter(service -> idOf(service) == replica.id()).ifPresent(service -> removeQuietly(service.getId()));
  }

  /** Marks the service retired, which changes only its labels: its task runs on while the balancers drain it. */
  @Override
  public void retire(Replica replica) {
    service(replica.name()).filter(this::ours).ifPresent(service -> relabel(service, labels -> {
      labels.put(RETIRED_LABEL, "true");
      return labels;
    }));
  }

  /**
   * The fleet's services not retired, each at its current task's address, or where its last task
   * was while Swarm restarts it; one whose task never had an address yet is not listed. Of two
   * services under one id (two balancers added at once), the older is listed and the newer
   * waits for {@link #withUniqueId} to give it another, so every balancer builds the same ring.
   */
  @Override
  public List<Replica> list() {
    List<Service> fleet = services();
    Set<String> names = new HashSet<>();
    Map<String, List<Task>> tasks = new HashMap<>();
    if (!fleet.isEmpty()) {
      for (Task task : docker.listTasksCmd().withServiceFilter(fleet.stream().map(Service::getId).toArray(String[]::new)).exec()) {
        tasks.computeIfAbsent(task.getServiceId(), id -> new ArrayList<>()).add(task);
      }
    }
    Set<Integer> ids = new HashSet<>();
    List<Replica> replicas = new ArrayList<>();
    for (Service service : fleet) {
      String name = service.getSpec().getName();
      int id = idOf(service);
      names.add(name);
      if (service.getSpec().getLabels().containsKey(RETIRED_LABEL) || id < 0 || !ids.add(id)) {
        continue;
      }
      Optional<Replica> at = current(tasks.getOrDefault(service.getId(), List.of())).flatMap(task -> replicaAt(task, name, id))
          .or(() -> Optional.ofNullable(lastSeen.get(name)).filter(last -> last.id() == id));
      at.ifPresent(replica -> {
        lastSeen.put(name, replica);
        replicas.add(replica);
      });
    }
    lastSeen.keySet().retainAll(names);
    return replicas;
  }

  /** Closes the client only: the services, and their network, belong to the fleet, which other balancers may serve. */
  @Override
  public void close() {
    try {
      docker.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not close the Docker client", e);
    }
  }

  // --- services -------------------------------------------------------------------------------

  private ServiceSpec serviceSpec(ReplicaSpec spec) {
    ContainerSpec container = new ContainerSpec()
        .withImage(settings.image())
        .withHostname(spec.name())
        .withEnv(List.of("SERVER_ID=" + spec.name(), "HTTP_PORT=" + DockerSettings.REPLICA_PORT));
    TaskSpec task = new TaskSpec()
        .withContainerSpec(container)
        .withResources(new ResourceRequirements().withLimits(new ResourceSpecs().withMemoryBytes(settings.memoryMiB() * 1024L * 1024L)))
        .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY).withDelay(RESTART_DELAY.toNanos()))
        .withNetworks(List.of(new NetworkAttachmentConfig().withTarget(settings.network())));
    EndpointSpec endpoint = new EndpointSpec().withMode(EndpointResolutionMode.DNSRR);
    if (address == DockerSettings.Address.PUBLISHED) {
      // host mode, on a port the engine picks: ingress mode would need a virtual IP, so IPVS
      endpoint.withPorts(List.of(new PortConfig().withProtocol(PortConfigProtocol.TCP).withTargetPort(DockerSettings.REPLICA_PORT)
          .withPublishMode(PortConfig.PublishMode.host)));
    }
    return new ServiceSpec()
        .withName(spec.name())
        .withLabels(Map.of(DockerLauncher.BALANCER_LABEL, settings.balancer(), DockerLauncher.NAME_LABEL, spec.name(),
            DockerLauncher.ID_LABEL, Integer.toString(spec.id())))
        .withTaskTemplate(task)
        .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
        .withEndpointSpec(endpoint);
  }

  /**
   * Two balancers adding at once may give two services one id. The newer then takes the lowest
   * id free, while every balancer's {@link #list} shows only the older under it meanwhile.
   */
  private Service withUniqueId(Service service) {
    for (int attempt = 0; attempt < 5; attempt++) {
      List<Service> fleet = services();
      int id = idOf(service);
      String self = service.getId();
      boolean older = fleet.stream().takeWhile(other -> !other.getId().equals(self)).anyMatch(other -> idOf(other) == id);
      if (!older) {
        return service;
      }
      Set<Integer> taken = new HashSet<>();
      fleet.forEach(other -> taken.add(idOf(other)));
      int free = 1;
      while (taken.contains(free)) {
        free++;
      }
      int next = free;
      LOG.log(Level.INFO, "Service {0} was given id {1}, which an older replica has; it takes {2}", service.getSpec().getName(), id, next);
      relabel(service, labels -> {
        labels.put(DockerLauncher.ID_LABEL, Integer.toString(next));
        return labels;
      });
      service = service(service.getSpec().getName()).orElseThrow(() -> new ReplicaLaunchException("service removed as it was being placed"));
    }
    throw new ReplicaLaunchException("could not give service " + service.getSpec().getName() + " an id no other replica of the fleet has");
  }

  /** Changes a service's labels only, at the version read: a concurrent change makes the engine refuse it, and it is read again. */
  private void relabel(Service service, UnaryOperator<Map<String, String>> change) {
    Service current = service;
    for (int attempt = 0; attempt < 5; attempt++) {
      ServiceSpec spec = current.getSpec();
      spec.withLabels(change.apply(new HashMap<>(spec.getLabels())));
      try {
        docker.updateServiceCmd(current.getId(), spec).withVersion(current.getVersion().getIndex()).exec();
        return;
      } catch (NotFoundException gone) {
        return;
      } catch (DockerException outOfSequence) {
        current = docker.inspectServiceCmd(current.getId()).exec();
      }
    }
    throw new ReplicaLaunchException("could not relabel service " + service.getSpec().getName() + ": it kept changing");
  }

  /** Waits for the service's task to run, and answers where it listens. */
  private Replica awaitTask(Service service) {
    String name = service.getSpec().getName();
    int id = idOf(service);
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (true) {
      List<Task> tasks = docker.listTasksCmd().withServiceFilter(service.getId()).exec();
      Optional<Replica> running = current(tasks).filter(task -> task.getStatus().getState() == TaskState.RUNNING).flatMap(task -> replicaAt(task, name, id));
      if (running.isPresent()) {
        return running.get();
      }
      List<Task> failed = tasks.stream().filter(task -> task.getStatus().getState() == TaskState.FAILED || task.getStatus().getState() == TaskState.REJECTED).toList();
      if (failed.size() >= FAILED_TASKS || System.nanoTime() - deadline > 0) {
        String last = tasks.stream().max(Comparator.comparing(SwarmLauncher::createdAt))
            .map(task -> task.getStatus().getState() + (task.getStatus().getErr() != null ? ": " + task.getStatus().getErr() : "")).orElse("no task");
        throw new ReplicaLaunchException("Swarm ran no task of service " + name + " from " + settings.image() + " (last task: " + last + ")");
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicaLaunchException("interrupted while waiting for service " + name + " to run");
      }
    }
  }

  /** The task Swarm wants running: the newest, while an old one it replaces shuts down. */
  private static Optional<Task> current(List<Task> tasks) {
    return tasks.stream().filter(task -> task.getDesiredState() == TaskState.RUNNING).max(Comparator.comparing(SwarmLauncher::createdAt));
  }

  private Optional<Replica> replicaAt(Task task, String name, int id) {
    if (address == DockerSettings.Address.NETWORK) {
      return TaskAddress.onNetwork(task, settings.network()).map(ip -> new Replica(name, id, ip, DockerSettings.REPLICA_PORT));
    }
    return TaskAddress.published(task, DockerSettings.REPLICA_PORT).flatMap(port -> nodeAddress(task.getNodeId()).map(node -> new Replica(name, id, node, port)));
  }

  private Optional<String> nodeAddress(String nodeId) {
    if (nodeId == null) {
      return Optional.empty();
    }
    if (!nodes.containsKey(nodeId)) {
      for (SwarmNode node : docker.listSwarmNodesCmd().exec()) {
        if (node.getStatus() != null && node.getStatus().getAddress() != null) {
          nodes.put(node.getId(), node.getStatus().getAddress());
        }
      }
    }
    return Optional.ofNullable(nodes.get(nodeId));
  }

  private static Instant createdAt(Task task) {
    return task.getCreatedAt() == null ? Instant.EPOCH : Instant.parse(task.getCreatedAt());
  }

  /** The fleet's services, oldest first: the order that settles which of two keeps an id. */
  private List<Service> services() {
    return docker.listServicesCmd().withLabelFilter(Map.of(DockerLauncher.BALANCER_LABEL, settings.balancer())).exec().stream()
        .sorted(Comparator.comparing(Service::getCreatedAt).thenComparing(Service::getId))
        .toList();
  }

  private Optional<Service> service(String name) {
    try {
      return Optional.of(docker.inspectServiceCmd(name).exec());
    } catch (NotFoundException none) {
      return Optional.empty();
    }
  }

  private boolean ours(Service service) {
    Map<String, String> labels = service.getSpec().getLabels();
    return labels != null && settings.balancer().equals(labels.get(DockerLauncher.BALANCER_LABEL));
  }

  /** The service's replica id, or -1 when its label is missing or garbled. */
  private static int idOf(Service service) {
    try {
      return Integer.parseInt(service.getSpec().getLabels().getOrDefault(DockerLauncher.ID_LABEL, "-1"));
    } catch (NumberFormatException garbled) {
      return -1;
    }
  }

  private void removeQuietly(String service) {
    try {
      docker.removeServiceCmd(service).exec();
    } catch (NotFoundException gone) {
      // removed meanwhile
    }
  }

  /** The replicas' overlay network: created attachable, so a balancer in a plain container can join it too. */
  private void ensureNetwork() {
    List<Network> found = docker.listNetworksCmd().withNameFilter(settings.network()).exec().stream()
        .filter(network -> network.getName().equals(settings.network()))
        .toList();
    if (found.isEmpty()) {
      docker.createNetworkCmd()
          .withName(settings.network())
          .withDriver("overlay")
          .withAttachable(true)
          .withLabels(Map.of(DockerLauncher.NETWORK_LABEL, settings.balancer()))
          .exec();
      LOG.log(Level.INFO, "Created overlay network {0}", settings.network());
    } else if (!"swarm".equals(found.getFirst().getScope())) {
      throw new InvalidConfigException("lb.provider.swarm.network", "network " + settings.network() + " is a " + found.getFirst().getDriver()
          + " network of this engine alone; Swarm services need an overlay network: remove it, or name another");
    }
  }
}
