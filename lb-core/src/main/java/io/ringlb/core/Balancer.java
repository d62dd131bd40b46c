package io.ringlb.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.fleet.Fleet;
import io.ringlb.core.fleet.FleetListener;
import io.ringlb.core.fleet.GrpcHeartbeat;
import io.ringlb.core.fleet.HealthProbe;
import io.ringlb.core.fleet.HeartbeatSettings;
import io.ringlb.core.fleet.Http2Heartbeat;
import io.ringlb.core.fleet.HttpHeartbeat;
import io.ringlb.core.fleet.KeptReplica;
import io.ringlb.core.fleet.RecentEvents;
import io.ringlb.core.metrics.BalancerMetrics;
import io.ringlb.core.proxy.AccessLog;
import io.ringlb.core.proxy.AccessLogWriter;
import io.ringlb.core.proxy.DataPlane;
import io.ringlb.core.proxy.KeyLookup;
import io.ringlb.core.proxy.Plane;
import io.ringlb.core.proxy.ReplicaLink;
import io.ringlb.core.proxy.ReplicaProtocol;
import io.ringlb.core.routing.BoundedLoadRing;
import io.ringlb.core.routing.Loads;
import io.ringlb.core.routing.Router;
import io.ringlb.core.routing.SlowStartRing;
import io.ringlb.core.stats.RingChanges;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.tls.ReplicaTls;
import io.ringlb.core.tls.ServerTls;
import io.ringlb.spi.ReplicaLauncher;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The engine, assembled: a router over the configured strategy, a fleet that keeps the replicas
 * alive through a launcher, and the data plane that serves clients on {@code lb.port}. Any
 * program can embed one; the Liberty frontend is one such program.
 */
public final class Balancer implements AutoCloseable {

  /** How many of the fleet's events the operator's view keeps. */
  public static final int RECENT_EVENTS = 50;

  private final HttpClient client;
  private final Router router;
  private final KeyLookup keyLookup;
  private final Fleet fleet;
  private final BalancerMetrics metrics;
  private final RecentEvents recentEvents;
  private final EngineClock clock;
  /** Whether the clock is the balancer's own, to close with it, rather than its host's. */
  private final boolean ownsClock;
  private final Duration drainTimeout;
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final HealthProbe probe;
  private DataPlane dataPlane;

  private Balancer(BalancerConfig config, ReplicaLauncher launcher, MeterRegistry registry, Optional<EngineClock> given, ThreadFactory threads) {
    this.clock = given.orElseGet(EngineClock::system);
    this.ownsClock = given.isEmpty();
    this.recentEvents = new RecentEvents(RECENT_EVENTS, clock.wallClock(ZoneOffset.UTC));
    // heartbeats only: HTTP/1.1, no h2c upgrade dance; over TLS trusting what the data plane trusts; no timeout of its own, as
    // the heartbeat's, on the engine clock, covers its connection too
    HttpClient.Builder heartbeats = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    config.proxy().replicaLink().tls().ifPresent(tls -> heartbeats.sslContext(tls.jdkContext()));
    this.client = heartbeats.build();
    this.drainTimeout = config.fleet().drainTimeout();
    Loads loads = new Loads();
    // slow start reorders a key's replicas, then the bound skips the loaded ones among them
    HashRing ring = config.slowStart().isZero() ? config.emptyRing() : new SlowStartRing(config.emptyRing(), config.slowStart(), clock::nanoTime);
    ring = config.balanceFactor() == 0 ? ring : new BoundedLoadRing(ring, loads, config.balanceFactor());
    this.router = new Router(ring, config.attempts(), loads);
    this.metrics = new BalancerMetrics(registry, router);
    RingChanges changes = new RingChanges(ring, recentEvents::ringChanged);
    router.watch(changes);
    metrics.ringChanges(changes);
    this.probe = probe(config, client, clock, virtualThreads, threads);
    this.fleet = new Fleet(config.fleet(), launcher, router, probe, new SplittableRandom(),
        FleetListener.all(metrics, recentEvents), clock);
    this.keyLookup = new KeyLookup(config.keys(), router, this::outOfRing);
  }

  /** The replicas the fleet keeps that are out of the ring now, where the strategy would place them (by name and id), with their weights. */
  private Map<Replica, Integer> outOfRing() {
    HashRing ring = router.ring();
    Map<Replica, Integer> out = new LinkedHashMap<>();
    for (KeptReplica kept : fleet.kept()) {
      if (!ring.replicas().contains(kept.name())) {
        out.put(new Replica(kept.name(), kept.id(), "0.0.0.0", 1), kept.weight()); // no strategy places a replica by its address
      }
    }
    return out;
  }

  /**
   * The heartbeat {@code lb.heartbeat.*} asks for: gRPC's health check, or a {@code GET} of the
   * heartbeat path, in the HTTP the data plane speaks to replicas ({@code lb.forward.protocol}).
   */
  private static HealthProbe probe(BalancerConfig config, HttpClient client, EngineClock clock, ExecutorService virtualThreads, ThreadFactory threads) {
    HeartbeatSettings heartbeat = config.fleet().heartbeat();
    ReplicaLink link = config.proxy().replicaLink();
    Optional<ReplicaTls> tls = link.tls();
    if (heartbeat.grpcService().isPresent()) {
      return new GrpcHeartbeat(heartbeat.idleTimeout(), clock, heartbeat.grpcService().get(), tls, virtualThreads);
    }
    return link.protocol() == ReplicaProtocol.HTTP_1_1 ? new HttpHeartbeat(client, heartbeat.idleTimeout(), clock, heartbeat.path(), tls.isPresent(), virtualThreads)
        : new Http2Heartbeat(heartbeat.idleTimeout(), clock, heartbeat.path(), tls, threads, virtualThreads);
  }

  /** As {@link #start(BalancerConfig, ReplicaLauncher, BalancerOptions)}, with the {@linkplain BalancerOptions#defaults defaults}. */
  public static Balancer start(BalancerConfig config, ReplicaLauncher launcher) {
    return start(config, launcher, BalancerOptions.defaults());
  }

  /**
   * Starts the data plane and the fleet; replicas join the ring as they pass heartbeats. The data
   * plane binds in the background: {@code dataPlane().address()} waits for it and fails if
   * {@code lb.port} could not be bound, which an embedding program that wants to stop at once
   * calls right after this.
   */
  public static Balancer start(BalancerConfig config, ReplicaLauncher launcher, BalancerOptions options) {
    Balancer balancer = new Balancer(config, launcher, options.registry(), options.clock(), options.threads());
    EngineClock clock = balancer.clock;
    // the data plane closes the access log once its event loops have stopped
    AccessLog accessLog = AccessLog.NONE;
    try {
      accessLog = config.accessLog().<AccessLog>map(target -> AccessLogWriter.start(target, clock)).orElse(AccessLog.NONE);
      // a failure report only enqueues an event on the fleet's loop: an event loop never waits on it
      Plane plane = new Plane(config.proxy(), balancer.router, config.keys(), balancer.fleet::reportFailure, balancer.metrics, accessLog, clock,
          ExerciseRules.rules());
      balancer.dataPlane = DataPlane.start(plane, options.threads(), config.tls().map(settings -> ServerTls.load(settings, clock::instant)));
    } catch (RuntimeException | Error failed) {
      accessLog.close(); // its thread and file, which no data plane will close
      balancer.releaseOwn(); // a host may try the start again: nothing of this one stays behind
      throw failed;
    }
    balancer.dataPlane.tls().ifPresent(balancer.metrics::tlsCertificate);
    balancer.fleet.start();
    return balancer;
  }

  public Fleet fleet() {
    return fleet;
  }

  /** Where a request or a key would go now, and why: {@code GET /lookup}. */
  public KeyLookup keyLookup() {
    return keyLookup;
  }

  public Router router() {
    return router;
  }

  public DataPlane dataPlane() {
    return dataPlane;
  }

  /** The fleet's last events, newest first. */
  public RecentEvents recentEvents() {
    return recentEvents;
  }

  /**
   * Stops taking clients, lets the requests in flight finish (for at most {@code
   * lb.drain-timeout-ms}), stops watching and, unless configured to keep them, stops the replicas.
   */
  @Override
  public void close() {
    dataPlane.close(drainTimeout);
    fleet.close();
    releaseOwn(); // after the fleet, which sends no heartbeat once closed
  }

  /** Closes what the balancer made for itself beside its data plane and fleet: the heartbeats, their threads and client, its clock. */
  private void releaseOwn() {
    probe.close();
    virtualThreads.shutdownNow();
    client.close();
    if (ownsClock) {
      clock.close();
    }
  }
}
