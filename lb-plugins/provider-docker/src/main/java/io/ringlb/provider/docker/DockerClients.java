package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.lang.System.Logger.Level;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** A docker-java client over the zero-dependency transport, and what both launchers ask the engine alike. */
final class DockerClients {

  private static final System.Logger LOG = System.getLogger(DockerClients.class.getName());

  private DockerClients() {}

  static DockerClient connect(String host, Duration responseTimeout) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(3))
            .responseTimeout(responseTimeout)
            .maxConnections(16)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /** How a launcher reaches replicas, never {@code AUTO}, and why, for the log. */
  record Reach(DockerSettings.Address address, String why) {}

  /** The address mode configured, or for {@code auto}, the one {@link #attached} implies. */
  static Reach reach(DockerClient docker, DockerSettings settings) {
    if (settings.address() != DockerSettings.Address.AUTO) {
      return new Reach(settings.address(), "as configured");
    }
    boolean attached = attached(docker, settings.network());
    return attached ? new Reach(DockerSettings.Address.NETWORK, "chosen because this balancer is attached to " + settings.network())
        : new Reach(DockerSettings.Address.PUBLISHED, "chosen because this balancer is not attached to " + settings.network());
  }

  /**
   * Whether one of this machine's own addresses is an endpoint of {@code network}: a fact, not a
   * guess from {@code /.dockerenv}, since a dev container or CI runner has that file and is not
   * on the network.
   */
  static boolean attached(DockerClient docker, String network) {
    Set<String> own = new HashSet<>();
    try {
      NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .forEach(address -> own.add(address.getHostAddress().replaceAll("%.*", "")));
    } catch (SocketException e) {
      LOG.log(Level.WARNING, "Cannot list this machine's addresses; taking it as not attached to " + network, e);
      return false;
    }
    Network found = docker.inspectNetworkCmd().withNetworkId(network).exec();
    return found.getContainers() != null && found.getContainers().values().stream()
        .flatMap(endpoint -> Stream.of(endpoint.getIpv4Address(), endpoint.getIpv6Address()))
        .filter(address -> address != null && !address.isEmpty())
        .map(address -> address.replaceAll("/.*", ""))
        .anyMatch(own::contains);
  }
}
