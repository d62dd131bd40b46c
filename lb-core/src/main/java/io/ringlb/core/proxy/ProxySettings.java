package io.ringlb.core.proxy;

import io.ringlb.api.Replica;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the data plane listens, talks to replicas and protects itself.
 *
 * @param host the address the data plane binds, {@code 0.0.0.0} for every interface
 * @param port the data plane's port; 0 picks a free one
 * @param eventLoops how many event loops serve clients and replicas; each owns its connections
 * @param maxHeaderBytes the most a request line, and separately its headers, may take (431 past it)
 * @param maxBodyBytes the largest request body accepted (413 past it); {@link #NO_LIMIT} for none
 * @param retryBodyBytes how much of a request's body is kept so the request can go to the next
 *     replica: an idempotent one's when a replica fails before answering, any one's when an HTTP/2
 *     replica says it never processed it; a larger body is not retried
 * @param headerTimeout how long a client has to finish sending a request's headers (408 past it)
 * @param idleTimeout how long a client connection may sit idle between requests, stall while
 *     sending a body, or take nothing of an answer sent to it, before it is closed
 * @param connectTimeout how long connecting to a replica may take
 * @param responseTimeout how long a replica may stay silent once it has the whole request
 * @param connectionsPerReplica the most connections each event loop opens to one replica; a
 *     request beyond them waits for one to free up, for at most {@code responseTimeout}
 * @param admin the endpoint that serves {@code /rep}, {@code /add} and {@code /rm}, passed through
 *     as they are; empty to route those paths to replicas like any other
 * @param maxConcurrentStreams the most streams a client may have open at once on one HTTP/2
 *     connection (SETTINGS_MAX_CONCURRENT_STREAMS); a stream past it is refused
 * @param replicaLink the protocol spoken to replicas, and the TLS they are reached through
 * @param replicaIdleTimeout how long a connection to a replica may sit unused (an HTTP/1.1 one in its
 *     pool, an HTTP/2 one with no stream open) before it is closed: shorter than the replicas' own
 *     keep-alive timeout, a request never goes out on a connection the replica is closing at that
 *     moment
 */
public record ProxySettings(
    String host,
    int port,
    int eventLoops,
    int maxHeaderBytes,
    long maxBodyBytes,
    int retryBodyBytes,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    Duration responseTimeout,
    int connectionsPerReplica,
    Optional<Replica> admin,
    int maxConcurrentStreams,
    ReplicaLink replicaLink,
    Duration replicaIdleTimeout) {

  /** {@link #maxBodyBytes} for no limit, as HAProxy and Envoy have by default. */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  /** {@link #maxConcurrentStreams} unless told otherwise, as HAProxy's and Envoy's default. */
  public static final int MAX_CONCURRENT_STREAMS = 100;

  /**
   * {@link #replicaIdleTimeout} unless told otherwise: under the 5 s keep-alive of Node's, Apache's
   * and uvicorn's servers, which close an idle connection sooner than most clients expect.
   */
  public static final Duration REPLICA_IDLE_TIMEOUT = Duration.ofSeconds(4);

  public ProxySettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(replicaLink, "replicaLink");
    if (port < 0 || port > 65_535 || eventLoops < 1 || maxHeaderBytes < 1 || maxBodyBytes < 0 || retryBodyBytes < 0 || connectionsPerReplica < 1
        || maxConcurrentStreams < 1) {
      throw new IllegalArgumentException("out of range: " + this);
    }
    Objects.requireNonNull(replicaIdleTimeout, "replicaIdleTimeout");
    for (Duration d : new Duration[] {headerTimeout, idleTimeout, connectTimeout, responseTimeout, replicaIdleTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive: " + this);
      }
    }
  }

  /** Settings whose replica connections sit idle for {@link #REPLICA_IDLE_TIMEOUT} at most. */
  public ProxySettings(String host, int port, int eventLoops, int maxHeaderBytes, long maxBodyBytes, int retryBodyBytes, Duration headerTimeout,
      Duration idleTimeout, Duration connectTimeout, Duration responseTimeout, int connectionsPerReplica, Optional<Replica> admin, int maxConcurrentStreams,
      ReplicaLink replicaLink) {
    this(host, port, eventLoops, maxHeaderBytes, maxBodyBytes, retryBodyBytes, headerTimeout, idleTimeout, connectTimeout, responseTimeout,
        connectionsPerReplica, admin, maxConcurrentStreams, replicaLink, REPLICA_IDLE_TIMEOUT);
  }

  /** Settings that speak HTTP/1.1 to replicas in the clear. */
  public ProxySettings(String host, int port, int eventLoops, int maxHeaderBytes, long maxBodyBytes, int retryBodyBytes, Duration headerTimeout,
      Duration idleTimeout, Duration connectTimeout, Duration responseTimeout, int connectionsPerReplica, Optional<Replica> admin, int maxConcurrentStreams) {
    this(host, port, eventLoops, maxHeaderBytes, maxBodyBytes, retryBodyBytes, headerTimeout, idleTimeout, connectTimeout, responseTimeout,
        connectionsPerReplica, admin, maxConcurrentStreams, ReplicaLink.CLEARTEXT_HTTP_1_1);
  }

  /** Settings with HTTP/2's concurrent streams at their default, speaking HTTP/1.1 to replicas in the clear. */
  public ProxySettings(String host, int port, int eventLoops, int maxHeaderBytes, long maxBodyBytes, int retryBodyBytes, Duration headerTimeout,
      Duration idleTimeout, Duration connectTimeout, Duration responseTimeout, int connectionsPerReplica, Optional<Replica> admin) {
    this(host, port, eventLoops, maxHeaderBytes, maxBodyBytes, retryBodyBytes, headerTimeout, idleTimeout, connectTimeout, responseTimeout,
        connectionsPerReplica, admin, MAX_CONCURRENT_STREAMS);
  }

  /** These settings, reaching replicas through {@code link}. */
  public ProxySettings withReplicaLink(ReplicaLink link) {
    return new ProxySettings(host, port, eventLoops, maxHeaderBytes, maxBodyBytes, retryBodyBytes, headerTimeout, idleTimeout, connectTimeout, responseTimeout,
        connectionsPerReplica, admin, maxConcurrentStreams, link, replicaIdleTimeout);
  }

  /** These settings, closing a connection to a replica that sat unused for {@code idle}. */
  public ProxySettings withReplicaIdleTimeout(Duration idle) {
    return new ProxySettings(host, port, eventLoops, maxHeaderBytes, maxBodyBytes, retryBodyBytes, headerTimeout, idleTimeout, connectTimeout, responseTimeout,
        connectionsPerReplica, admin, maxConcurrentStreams, replicaLink, idle);
  }

  /**
   * The defaults of {@code lb.*} on {@code port}, with no admin endpoint: what an embedding
   * program starts from. An event loop per core: on two cores shared with the replicas, two
   * loops carried 0.95 to 0.99 of HAProxy's throughput where one carried 0.83 to 0.87
   * (docs/benchmarks.md), since one loop waits whenever the replicas hold its core.
   */
  public static ProxySettings defaults(int port) {
    return new ProxySettings("0.0.0.0", port, Runtime.getRuntime().availableProcessors(), 16_384, NO_LIMIT, 65_536, Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(1), Duration.ofSeconds(10), 512, Optional.empty());
  }
}
