package io.ringlb.core;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.fleet.FleetSettings;
import io.ringlb.core.fleet.HeartbeatSettings;
import io.ringlb.core.key.KeyExtractors;
import io.ringlb.core.routing.HashStrategies;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Every knob of the balancer, read once from {@code lb.*} properties and checked: a bad value
 * stops the balancer at start with an {@link InvalidConfigException} naming the property.
 *
 * @param emptyRing the strategy's ring, before any replica
 * @param keys what requests are hashed by
 * @param fleet how many replicas and how they are watched
 * @param attempts how many distinct replicas a request may try
 * @param forwardTimeout how long one replica has to answer a forwarded request
 * @param connectTimeout how long connecting to a replica may take
 */
public record BalancerConfig(
    HashRing emptyRing, RequestKeyExtractor keys, FleetSettings fleet, int attempts, Duration forwardTimeout, Duration connectTimeout) {

  private static final int HOUR_MS = 3_600_000;

  /** Reads every {@code lb.*} property of {@code properties}, with the strategies on offer. */
  public static BalancerConfig from(Map<String, String> properties, PluginRegistry<HashStrategyProvider> strategies) {
    return from(name -> Optional.ofNullable(properties.get(name)), strategies);
  }

  /** As {@link #from(Map, PluginRegistry)}, looking properties up by full name. */
  public static BalancerConfig from(Function<String, Optional<String>> properties, PluginRegistry<HashStrategyProvider> strategies) {
    PluginConfig lb = PluginConfig.of("lb", properties);
    int maxReplicas = lb.integer("max-replicas", 32, 1, 10_000);
    int replicas = lb.integer("replicas", 3, 0, maxReplicas);
    String prefix = lb.string("name-prefix", "S");
    if (!prefix.matches("[A-Za-z][A-Za-z0-9-]{0,50}")) {
      throw new InvalidConfigException(lb.key("name-prefix"), "'" + prefix + "' cannot start a hostname (a letter, then letters, digits, hyphens)");
    }
    PluginConfig beat = lb.within("heartbeat");
    HeartbeatSettings heartbeat =
        new HeartbeatSettings(
            Duration.ofMillis(beat.integer("interval-ms", 500, 10, HOUR_MS)),
            Duration.ofMillis(beat.integer("timeout-ms", 250, 1, HOUR_MS)),
            beat.integer("fall", 2, 1, 100),
            beat.integer("rise", 1, 1, 100));
    boolean keep = switch (lb.string("keep-replicas", "false").toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidConfigException(lb.key("keep-replicas"), "'" + lb.string("keep-replicas", "") + "' is not accepted (accepted: true, false)");
    };
    FleetSettings fleet =
        new FleetSettings(replicas, maxReplicas, prefix, Duration.ofMillis(lb.integer("start-timeout-ms", 90_000, 100, HOUR_MS)), heartbeat, !keep);
    HashRing ring = HashStrategies.emptyRing(strategies, properties);
    checkCapacity(ring, maxReplicas, lb.key("max-replicas"));
    return new BalancerConfig(
        ring,
        KeyExtractors.parse(lb.string("key", "random-id")),
        fleet,
        lb.integer("forward.attempts", 3, 1, 100),
        Duration.ofMillis(lb.integer("forward.timeout-ms", 10_000, 1, HOUR_MS)),
        Duration.ofMillis(lb.integer("forward.connect-timeout-ms", 1_000, 1, HOUR_MS)));
  }

  /** A strategy with a fixed capacity (classic's M / K) must hold the most replicas allowed. */
  private static void checkCapacity(HashRing ring, int maxReplicas, String key) {
    List<Replica> most = IntStream.rangeClosed(1, maxReplicas).mapToObj(id -> new Replica("capacity-" + id, id, "127.0.0.1", 1)).toList();
    try {
      ring.withAll(most);
    } catch (IllegalStateException full) {
      throw new InvalidConfigException(key, maxReplicas + " replicas do not fit: " + full.getMessage());
    }
  }
}
