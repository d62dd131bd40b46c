package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/** A docker-java client over the zero-dependency transport. */
final class DockerClients {

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
}
