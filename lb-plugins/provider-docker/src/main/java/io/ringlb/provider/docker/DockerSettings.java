package io.ringlb.provider.docker;

import io.ringlb.spi.PluginConfig;

/**
 * How replicas run as containers, from {@code lb.provider.docker.*}.
 *
 * @param host the engine, as {@code DOCKER_HOST} spells it; the local socket by default
 * @param image the replica image
 * @param network the user-defined network replicas join, created if missing
 * @param balancer the label value that marks this balancer's containers, so two balancers on
 *     one engine never take each other's replicas
 * @param address how the balancer reaches a replica: {@code network}, at its address on the
 *     network (a balancer in a container on it), or {@code published}, through a port
 *     published on 127.0.0.1 (a balancer on the host); {@code auto} decides when the launcher
 *     starts, by whether the balancer is attached to the network
 * @param memoryMiB each replica's memory limit
 * @param spares replica containers kept started ahead, each renamed into a replica by the start
 *     that takes it ({@link DockerSpares}); 0 to start every replica from scratch. The
 *     {@code swarm} provider keeps none: Swarm restarts its own tasks
 */
record DockerSettings(String host, String image, String network, String balancer, Address address, int memoryMiB, int spares) {

  enum Address { AUTO, NETWORK, PUBLISHED }

  /** The replica image this version's build makes (images/build-image.sh). */
  static final String DEFAULT_IMAGE = defaultImage();

  /** The port the replica image listens on. */
  static final int REPLICA_PORT = 8080;

  static DockerSettings from(PluginConfig config) {
    String image = config.string("image", DEFAULT_IMAGE);
    String network = config.string("network", "net1");
    String balancer = config.string("balancer", "ringlb");
    Address address = config.option("address", Address.class, Address.AUTO);
    return new DockerSettings(defaultHost(config), image, network, balancer, address, config.integer("memory-mib", 512, 64, 65_536),
        config.integer("spares", 1, 0, 8));
  }

  private static String defaultImage() {
    java.util.Properties build = new java.util.Properties();
    try (java.io.InputStream in = DockerSettings.class.getResourceAsStream("build.properties")) {
      build.load(in);
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("the provider jar lacks its build.properties", e);
    }
    return build.getProperty("replica.image");
  }

  static String defaultHost(PluginConfig config) {
    return config.string("host").or(() -> java.util.Optional.ofNullable(System.getenv("DOCKER_HOST"))).orElse("unix:///var/run/docker.sock");
  }
}
