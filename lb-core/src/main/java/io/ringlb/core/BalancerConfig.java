package io.ringlb.core;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.fleet.FleetException;
import io.ringlb.core.fleet.FleetSettings;
import io.ringlb.core.fleet.HeartbeatSettings;
import io.ringlb.core.fleet.Names;
import io.ringlb.core.fleet.RequestRules;
import io.ringlb.core.fleet.Weighing;
import io.ringlb.core.key.KeyExtractors;
import io.ringlb.core.proxy.AccessLogTarget;
import io.ringlb.core.proxy.ProxySettings;
import io.ringlb.core.proxy.ReplicaLink;
import io.ringlb.core.proxy.ReplicaProtocol;
import io.ringlb.core.routing.HashStrategies;
import io.ringlb.core.tls.ReplicaTls;
import io.ringlb.core.tls.TlsSettings;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every knob of the balancer, read once from {@code lb.*} properties and checked: a bad value
 * stops the balancer at start with an {@link InvalidConfigException} naming the property.
 *
 * @param emptyRing the strategy's ring, before any replica
 * @param keys what requests are hashed by
 * @param fleet how many replicas and how they are watched
 * @param attempts how many distinct replicas a request may try
 * @param balanceFactor bounded loads: how far above the average, in percent, a replica's requests
 *     in flight may go before its keys spill to the next replica of the ring; 0 for no bound
 * @param slowStart how long a replica that joins the ring takes to reach its whole share of keys; zero for at once
 * @param proxy the data plane: where it listens, how it talks to replicas, its limits
 * @param accessLog where the data plane logs a line per request ({@code lb.access-log}); empty for no access log
 * @param tls TLS on the data plane, on a port of its own ({@code lb.tls.*}); empty for none
 */
public record BalancerConfig(HashRing emptyRing, RequestKeyExtractor keys, FleetSettings fleet, int attempts, int balanceFactor, Duration slowStart,
    ProxySettings proxy, Optional<AccessLogTarget> accessLog, Optional<TlsSettings> tls) {

  private static final int HOUR_MS = 3_600_000;

  /** Reads every {@code lb.*} property of {@code properties}, with the strategies on offer and the keys on the class path. */
  public static BalancerConfig from(Map<String, String> properties, PluginRegistry<HashStrategyProvider> strategies) {
    return from(name -> Optional.ofNullable(properties.get(name)), strategies);
  }

  /** As {@link #from(Map, PluginRegistry)}, looking properties up by full name. */
  public static BalancerConfig from(Function<String, Optional<String>> properties, PluginRegistry<HashStrategyProvider> strategies) {
    return from(properties, strategies, KeyExtractors.onClassPath());
  }

  /** As {@link #from(Function, PluginRegistry)}, with the keys on offer, such as those of the plugins directory. */
  public static BalancerConfig from(Function<String, Optional<String>> properties, PluginRegistry<HashStrategyProvider> strategies,
      PluginRegistry<KeyExtractorProvider> keys) {
    PluginConfig lb = PluginConfig.of("lb", properties);
    int maxReplicas = lb.integer("max-replicas", 32, 1, 10_000);
    int replicas = lb.integer("replicas", 3, 0, maxReplicas);
    String prefix = lb.string("name-prefix", "S");
    if (!prefix.matches("[A-Za-z][A-Za-z0-9-]{0,50}")) {
      throw new InvalidConfigException(lb.key("name-prefix"), "'" + prefix + "' cannot start a hostname (a letter, then letters, digits, hyphens)");
    }
    PluginConfig beat = lb.within("heartbeat");
    int timeout = beat.integer("timeout-ms", 250, 1, HOUR_MS);
    HeartbeatSettings heartbeat =
        new HeartbeatSettings(
            Duration.ofMillis(beat.integer("interval-ms", 500, 10, HOUR_MS)),
            Duration.ofMillis(timeout),
            Duration.ofMillis(beat.integer("idle-timeout-ms", Math.max(1_000, timeout), timeout, HOUR_MS)),
            beat.integer("fall", 2, 1, 100),
            beat.integer("rise", 1, 1, 100),
            heartbeatPath(beat),
            grpcService(beat));
    boolean keep = switch (lb.string("keep-replicas", "false").toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidConfigException(lb.key("keep-replicas"), "'" + lb.string("keep-replicas", "") + "' is not accepted (accepted: true, false)");
    };
    HashRing ring = HashStrategies.emptyRing(strategies, properties);
    checkCapacity(ring, maxReplicas, lb);
    boolean weighs = HashStrategies.weighs(ring);
    // the others are built only to name them in a refusal, which a strategy that weighs never makes
    Weighing weighing = weighs ? Weighing.WEIGHS : new Weighing(false, HashStrategies.weighing(strategies));
    FleetSettings fleet =
        new FleetSettings(replicas, maxReplicas, prefix, Duration.ofMillis(lb.integer("start-timeout-ms", 90_000, 100, HOUR_MS)), heartbeat, !keep,
            Duration.ofMillis(lb.integer("drain-timeout-ms", 10_000, 0, HOUR_MS)), weights(lb, weighing), weighing);
    int balanceFactor = lb.integer("balance-factor", 0, 0, 100_000);
    if (balanceFactor > 0 && balanceFactor < 100) {
      throw new InvalidConfigException(lb.key("balance-factor"),
          balanceFactor + " would bound every replica below the average load: 0 turns bounded loads off, otherwise at least 100 (percent)");
    }
    ProxySettings proxy = proxy(lb);
    return new BalancerConfig(ring, KeyExtractors.parse(lb.string("key", KeyExtractors.DEFAULT), keys, properties), fleet, lb.integer("forward.attempts", 3, 1, 100), balanceFactor,
        Duration.ofMillis(lb.integer("slow-start-ms", 0, 0, HOUR_MS)), proxy, accessLog(lb), tls(lb.within("tls"), proxy.port(), proxy.admin().map(Replica::port).orElse(-1)));
  }

  /** {@code lb.weights}: {@code S1=2,S2=1}, by {@link Names#key}. */
  private static Map<String, Integer> weights(PluginConfig lb, Weighing weighing) {
    String key = lb.key("weights");
    String value = lb.string("weights", "").strip();
    Map<String, Integer> weights = new java.util.HashMap<>();
    if (value.isEmpty()) {
      return weights;
    }
    try {
      weighing.check();
      for (String entry : value.split(",")) {
        String[] parts = entry.strip().split("=", -1);
        if (parts.length != 2) {
          throw FleetException.invalid("'" + Names.cut(entry.strip()) + "' is not <name>=<weight>, as in S1=2,S2=1");
        }
        String name = parts[0].strip();
        Names.check(List.of(name));
        int weight;
        try {
          weight = Integer.parseInt(parts[1].strip());
        } catch (NumberFormatException notANumber) {
          weight = 0;
        }
        RequestRules.checkWeight(name, weight, "'" + parts[1].strip() + "'");
        if (weights.put(Names.key(name), weight) != null) {
          throw FleetException.invalid(Names.shown(name) + " is weighed twice");
        }
      }
    } catch (FleetException invalid) {
      // a request's message, as a setting's: "lb.weights: the weight of ..."
      String message = invalid.getMessage();
      throw new InvalidConfigException(key, Character.toLowerCase(message.charAt(0)) + message.substring(1));
    }
    return weights;
  }

  /** The data plane's settings; {@code lb.admin.port=-1} (Liberty's word for a port that is off) passes no path to an admin endpoint. */
  private static ProxySettings proxy(PluginConfig lb) {
    ProxySettings defaults = ProxySettings.defaults(5000);
    PluginConfig forward = lb.within("forward");
    PluginConfig client = lb.within("client");
    PluginConfig admin = lb.within("admin");
    int adminPort = admin.integer("port", 5001, -1, 65_535);
    String adminHost = admin.string("host", "127.0.0.1");
    // an admin endpoint bound to every interface is reached on loopback
    String adminAddress = Set.of("*", "0.0.0.0", "::", "[::]").contains(adminHost) ? "127.0.0.1" : adminHost;
    int port = lb.integer("port", defaults.port(), 0, 65_535);
    if (adminPort == port && port != 0) {
      throw new InvalidConfigException(admin.key("port"), adminPort + " is also lb.port: the data plane and the admin endpoint need a port each");
    }
    return new ProxySettings(
        lb.string("host", defaults.host()),
        port,
        lb.integer("event-loops", defaults.eventLoops(), 1, 256),
        client.integer("max-header-bytes", defaults.maxHeaderBytes(), 1_024, 1_048_576),
        forward.longInteger("max-body-bytes", defaults.maxBodyBytes(), 0, Long.MAX_VALUE),
        forward.integer("retry-body-bytes", defaults.retryBodyBytes(), 0, 64 * 1_048_576),
        Duration.ofMillis(client.integer("header-timeout-ms", (int) defaults.headerTimeout().toMillis(), 1, HOUR_MS)),
        Duration.ofMillis(client.integer("idle-timeout-ms", (int) defaults.idleTimeout().toMillis(), 1, HOUR_MS)),
        Duration.ofMillis(forward.integer("connect-timeout-ms", (int) defaults.connectTimeout().toMillis(), 1, HOUR_MS)),
        Duration.ofMillis(forward.integer("timeout-ms", (int) defaults.responseTimeout().toMillis(), 1, HOUR_MS)),
        forward.integer("connections-per-replica", defaults.connectionsPerReplica(), 1, 65_536),
        adminPort < 1 ? Optional.empty() : Optional.of(new Replica("admin", 0, adminAddress, adminPort)),
        lb.integer("http2.max-concurrent-streams", ProxySettings.MAX_CONCURRENT_STREAMS, 1, 10_000),
        replicaLink(forward),
        Duration.ofMillis(forward.integer("idle-timeout-ms", (int) ProxySettings.REPLICA_IDLE_TIMEOUT.toMillis(), 1, HOUR_MS)));
  }

  /**
   * {@code lb.forward.protocol} ({@code http/1.1}, {@code h2c} or {@code h2}), {@code lb.forward.tls}
   * and its trust store: {@code h2} is HTTP/2 over TLS, so it turns TLS on; {@code h2c} is HTTP/2 in the clear, so it cannot.
   */
  private static ReplicaLink replicaLink(PluginConfig forward) {
    String protocolKey = forward.key("protocol");
    String written = forward.string("protocol", ReplicaProtocol.HTTP_1_1.spelling());
    ReplicaProtocol protocol = ReplicaProtocol.parse(written).orElseThrow(() ->
        new InvalidConfigException(protocolKey, "'" + written.strip() + "' is not accepted (accepted: " + ReplicaProtocol.accepted() + ")"));
    PluginConfig tls = forward.within("tls");
    String tlsKey = forward.key("tls");
    boolean tlsOn = switch (forward.string("tls", protocol == ReplicaProtocol.H2 ? "true" : "false").strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidConfigException(tlsKey, "'" + forward.string("tls", "") + "' is not accepted (accepted: true, false)");
    };
    if (protocol == ReplicaProtocol.H2C && tlsOn) {
      throw new InvalidConfigException(tlsKey, "true, while " + protocolKey + " is h2c, HTTP/2 in the clear: HTTP/2 over TLS is h2");
    }
    if (protocol == ReplicaProtocol.H2 && !tlsOn) {
      throw new InvalidConfigException(tlsKey, "false, while " + protocolKey + " is h2, HTTP/2 over TLS: HTTP/2 in the clear is h2c");
    }
    Optional<Path> trust = tls.string("trust").map(String::strip).filter(value -> !value.isEmpty()).map(value -> path(tls, "trust", value));
    if (trust.isPresent() && !tlsOn) {
      throw new InvalidConfigException(tls.key("trust"), "set while replicas are reached in the clear: set lb.forward.tls=true, or lb.forward.protocol=h2");
    }
    return new ReplicaLink(protocol, tlsOn ? Optional.of(ReplicaTls.load(trust, protocol == ReplicaProtocol.H2)) : Optional.empty());
  }

  /**
   * {@code lb.access-log}: unset or empty for none, {@code stdout}, or a file appended to, whose
   * directory must exist and take files, so a typo stops the start rather than the first line.
   */
  private static Optional<AccessLogTarget> accessLog(PluginConfig lb) {
    String key = lb.key("access-log");
    Optional<String> value = lb.string("access-log");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get().equalsIgnoreCase("stdout")) {
      return Optional.of(new AccessLogTarget.Stdout());
    }
    Path file;
    try {
      file = Path.of(value.get()).toAbsolutePath().normalize();
    } catch (InvalidPathException invalid) {
      throw new InvalidConfigException(key, "'" + value.get() + "' is not a file path (" + invalid.getReason() + "); or 'stdout'");
    }
    Path directory = file.getParent();
    if (Files.isDirectory(file) || directory == null) {
      throw new InvalidConfigException(key, file + " is a directory: name a file in it to append the access log to");
    }
    if (!Files.exists(directory)) {
      throw new InvalidConfigException(key, "the directory " + directory + " does not exist: create it, or name a file in one that does");
    }
    if (!Files.isDirectory(directory)) {
      throw new InvalidConfigException(key, directory + " is not a directory: name a file in one");
    }
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(directory)) {
      throw new InvalidConfigException(key, (Files.exists(file) ? file : "the directory " + directory) + " is not writable by this process");
    }
    return Optional.of(new AccessLogTarget.File(file));
  }

  /**
   * {@code lb.tls.*}: off unless {@code lb.tls.port} is set; then the certificate as PEM files
   * ({@code certificate} and {@code key}) or a PKCS#12 {@code keystore}, one of the two. Whether
   * the files hold what they should is checked when they are loaded, at start.
   */
  private static Optional<TlsSettings> tls(PluginConfig tls, int cleartextPort, int adminPort) {
    Optional<String> certificate = tls.string("certificate").map(String::strip).filter(value -> !value.isEmpty());
    Optional<String> key = tls.string("key").map(String::strip).filter(value -> !value.isEmpty());
    Optional<String> keystore = tls.string("keystore").map(String::strip).filter(value -> !value.isEmpty());
    if (tls.string("port").filter(value -> !value.isBlank()).isEmpty()) {
      Optional<String> given = certificate.isPresent() ? Optional.of("certificate") : key.isPresent() ? Optional.of("key")
          : keystore.isPresent() ? Optional.of("keystore") : Optional.empty();
      if (given.isPresent()) {
        throw new InvalidConfigException(tls.key("port"), "unset, while " + tls.key(given.get()) + " is set: set the port TLS is served on, such as 5443");
      }
      return Optional.empty();
    }
    int port = tls.integer("port", 5443, 0, 65_535);
    if (port == cleartextPort && port != 0) {
      throw new InvalidConfigException(tls.key("port"), port + " is also lb.port: TLS and cleartext need a port each");
    }
    if (port == adminPort) {
      throw new InvalidConfigException(tls.key("port"), port + " is also lb.admin.port: the data plane's TLS and the admin endpoint need a port each");
    }
    if (keystore.isPresent() && (certificate.isPresent() || key.isPresent())) {
      throw new InvalidConfigException(tls.key("keystore"), "set beside " + tls.key(certificate.isPresent() ? "certificate" : "key")
          + ": give the certificate as PEM files or as a PKCS#12 keystore, not both");
    }
    if (keystore.isEmpty() && certificate.isEmpty()) {
      throw new InvalidConfigException(tls.key("certificate"), "needed with lb.tls.port: the PEM certificate chain to serve (or lb.tls.keystore, PKCS#12)");
    }
    if (keystore.isEmpty() && key.isEmpty()) {
      throw new InvalidConfigException(tls.key("key"), "needed with lb.tls.certificate: the certificate's private key, PEM (PKCS#8)");
    }
    return Optional.of(new TlsSettings(port, certificate.map(value -> path(tls, "certificate", value)), key.map(value -> path(tls, "key", value)),
        keystore.map(value -> path(tls, "keystore", value)), tls.string("keystore-password", ""),
        Duration.ofMillis(tls.integer("reload-interval-ms", 10_000, 100, HOUR_MS))));
  }

  private static Path path(PluginConfig within, String setting, String value) {
    try {
      return Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException invalid) {
      throw new InvalidConfigException(within.key(setting), "'" + value + "' is not a file path (" + invalid.getReason() + ")");
    }
  }

  /** {@code lb.heartbeat.protocol}: {@code http} ({@code GET} the path), or {@code grpc} (the health check of {@code lb.heartbeat.grpc-service}). */
  private static Optional<String> grpcService(PluginConfig beat) {
    String protocol = beat.string("protocol", "http").strip().toLowerCase(java.util.Locale.ROOT);
    Optional<String> service = beat.string("grpc-service");
    switch (protocol) {
      case "grpc" -> {
        return Optional.of(service.orElse("").strip());
      }
      case "http" -> {
        if (service.isPresent()) {
          throw new InvalidConfigException(beat.key("grpc-service"), "set while lb.heartbeat.protocol is http: set lb.heartbeat.protocol=grpc to check it");
        }
        return Optional.empty();
      }
      default -> throw new InvalidConfigException(beat.key("protocol"), "'" + protocol + "' is not accepted (accepted: http, grpc)");
    }
  }

  private static String heartbeatPath(PluginConfig beat) {
    String path = beat.string("path", HeartbeatSettings.DEFAULT.path());
    if (!path.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*")) {
      throw new InvalidConfigException(beat.key("path"), "'" + path + "' is not a path: it starts with '/' and holds no spaces");
    }
    return path;
  }

  /**
   * The ring must hold the most replicas allowed. Checked by the strategy's arithmetic, never by
   * building the largest ring: a configuration that cannot fit in memory is refused, not run
   * out of memory on.
   */
  private static void checkCapacity(HashRing ring, int maxReplicas, PluginConfig lb) {
    if (maxReplicas > ring.capacity()) {
      String strategy = lb.string("strategy", HashStrategies.DEFAULT).strip();
      throw new InvalidConfigException(lb.key("max-replicas"), maxReplicas + " replicas do not fit the " + strategy
          + " strategy as configured, which holds at most " + ring.capacity() + ": lower lb.max-replicas or change lb.strategy." + strategy + ".*");
    }
  }

}
