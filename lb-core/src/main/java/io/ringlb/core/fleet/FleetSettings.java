package io.ringlb.core.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How many replicas a fleet keeps and how it watches them.
 *
 * @param replicas N, the replicas started with the fleet (adopted ones count)
 * @param maxReplicas the most replicas {@code add} may reach
 * @param namePrefix generated names are this prefix and the lowest free number: S1, S2, ...
 * @param startTimeout how long a started replica has to pass its first heartbeat
 * @param heartbeat how replicas are watched
 * @param stopReplicasOnClose whether closing the fleet stops its replicas; when not, a
 *     restarted balancer adopts them
 * @param drainTimeout how long a removed replica may take to finish the requests it has before
 *     it is stopped
 * @param weights replicas' weights by {@link Names#key}, for those that do not weigh 1
 * @param weighing whether the ring's strategy weighs replicas; {@code /add} refuses weights otherwise
 */
public record FleetSettings(
    int replicas, int maxReplicas, String namePrefix, Duration startTimeout, HeartbeatSettings heartbeat, boolean stopReplicasOnClose,
    Duration drainTimeout, Map<String, Integer> weights, Weighing weighing) {

  public FleetSettings {
    Objects.requireNonNull(namePrefix, "namePrefix");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(weighing, "weighing");
    weights = Map.copyOf(weights);
    if (replicas < 0 || maxReplicas < 1 || replicas > maxReplicas) {
      throw new IllegalArgumentException("need 0 <= replicas <= maxReplicas and maxReplicas >= 1, were " + replicas + " and " + maxReplicas);
    }
  }

  /** As {@code lb.weights} says, 1 unless it names the replica. */
  public int weightOf(String name) {
    return weights.getOrDefault(Names.key(name), 1);
  }
}
