package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmInfo;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code swarm}: each replica a Swarm service, shared by every balancer of the fleet. Never
 * chosen unless named ({@code lb.provider=swarm}): below {@code docker}, which any engine a
 * Swarm manager runs on also answers for.
 */
public final class SwarmReplicaProvider implements ReplicaProvider {

  @Override
  public String name() {
    return "swarm";
  }

  @Override
  public int priority() {
    return 5;
  }

  /** Whether the default engine answers and manages a swarm. */
  @Override
  public boolean isAvailable() {
    try (DockerClient docker = DockerClients.connect(DockerSettings.defaultHost(PluginConfig.empty("lb.provider.swarm")), Duration.ofSeconds(3))) {
      SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
      return swarm != null && Boolean.TRUE.equals(swarm.getControlAvailable());
    } catch (IOException | RuntimeException noEngine) {
      return false;
    }
  }

  @Override
  public ReplicaLauncher create(PluginConfig config) {
    return new SwarmLauncher(DockerSettings.from(config));
  }
}
