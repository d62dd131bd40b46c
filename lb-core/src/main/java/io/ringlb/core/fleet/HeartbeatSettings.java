package io.ringlb.core.fleet;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How replicas are watched, as HAProxy's {@code inter}, {@code timeout check}, {@code fall},
 * {@code rise} and {@code option httpchk}'s path, with a second timeout for replicas no client
 * waits on: slow is not dead, and only a wait that costs clients must be short.
 *
 * @param interval time between two heartbeats to a replica in the ring
 * @param timeout how long a heartbeat may go unanswered while requests wait on the replica and it
 *     answers none of them: then it has missed
 * @param idleTimeout how long a heartbeat may take in any case; past it, it has missed unless the
 *     replica answered requests meanwhile. At least {@code timeout}
 * @param fall consecutive misses that take a replica out of the ring
 * @param rise consecutive passes that put a (re)started replica into the ring
 * @param path what a heartbeat asks for: {@code /heartbeat}, or {@code /health/ready} of any
 *     MicroProfile server
 * @param grpcService when present, a heartbeat is gRPC's health check of this service instead
 *     ({@code grpc.health.v1.Health/Check}; {@code ""} is the whole server), for replicas that speak only gRPC
 */
public record HeartbeatSettings(Duration interval, Duration timeout, Duration idleTimeout, int fall, int rise, String path, Optional<String> grpcService) {

  /** Every 500 ms; 250 ms to answer while clients wait, 1 s when none does; out after 2 misses, in after 1 pass; at {@code /heartbeat}. */
  public static final HeartbeatSettings DEFAULT =
      new HeartbeatSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(1), 2, 1, HttpHeartbeat.DEFAULT_PATH);

  /** Heartbeats over HTTP, at {@code path}. */
  public HeartbeatSettings(Duration interval, Duration timeout, Duration idleTimeout, int fall, int rise, String path) {
    this(interval, timeout, idleTimeout, fall, rise, path, Optional.empty());
  }

  public HeartbeatSettings {
    Objects.requireNonNull(grpcService, "grpcService");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(path, "path");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive, was " + interval);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("heartbeat timeout must be positive, was " + timeout);
    }
    if (idleTimeout.compareTo(timeout) < 0) {
      throw new IllegalArgumentException("heartbeat idle timeout must be at least the timeout " + timeout + ", was " + idleTimeout);
    }
    if (fall < 1 || rise < 1) {
      throw new IllegalArgumentException("fall and rise must be >= 1, were " + fall + " and " + rise);
    }
  }
}
