package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code docker}: each replica a container. Of the highest priority, so it is chosen whenever
 * an engine answers on {@code DOCKER_HOST} or the local socket.
 */
public final class DockerReplicaProvider implements ReplicaProvider {

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public int priority() {
    return 10;
  }

  /** Whether the default engine answers a ping within a few seconds. */
  @Override
  public boolean isAvailable() {
    try (DockerClient docker = DockerClients.connect(DockerSettings.defaultHost(PluginConfig.empty("lb.provider.docker")), Duration.ofSeconds(3))) {
      docker.pingCmd().exec();
      return true;
    } catch (IOException | RuntimeException noEngine) {
      return false;
    }
  }

  @Override
  public ReplicaLauncher create(PluginConfig config) {
    return new DockerLauncher(DockerSettings.from(config));
  }
}
