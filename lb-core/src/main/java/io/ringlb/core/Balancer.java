package io.ringlb.core;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.fleet.Fleet;
import io.ringlb.core.fleet.HttpHeartbeat;
import io.ringlb.core.forward.ForwardRequest;
import io.ringlb.core.forward.ForwardedResponse;
import io.ringlb.core.forward.Forwarder;
import io.ringlb.core.routing.Router;
import io.ringlb.spi.ReplicaLauncher;
import java.net.http.HttpClient;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine, assembled: a router over the configured strategy, a fleet that keeps the
 * replicas alive through a launcher, and a forwarder that sends requests on. Any program can
 * embed one; the Liberty frontend is one such program.
 */
public final class Balancer implements AutoCloseable {

  private final BalancerConfig config;
  private final HttpClient client;
  private final Router router;
  private final Fleet fleet;
  private final Forwarder forwarder;
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();

  private Balancer(BalancerConfig config, ReplicaLauncher launcher) {
    this.config = config;
    // heartbeats only (forwarding has its own pool): HTTP/1.1, no h2c upgrade dance
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.connectTimeout()).build();
    this.router = new Router(config.emptyRing(), config.attempts());
    this.fleet = new Fleet(config.fleet(), launcher, router, new HttpHeartbeat(client, config.fleet().heartbeat().timeout(), virtualThreads), new SplittableRandom());
    this.forwarder = new Forwarder(router, config.connectTimeout(), config.forwardTimeout(), fleet::reportFailure);
  }

  /** Builds the engine and starts its fleet; replicas join the ring as they pass heartbeats. */
  public static Balancer start(BalancerConfig config, ReplicaLauncher launcher) {
    Balancer balancer = new Balancer(config, launcher);
    balancer.fleet.start();
    return balancer;
  }

  /**
   * Routes the request by its key and forwards it, blocking the calling thread; see {@link Forwarder}.
   *
   * @throws io.ringlb.core.forward.NoReplicaAvailableException when no replica answered
   */
  public ForwardedResponse forward(ForwardRequest request, RequestAttributes attributes) {
    return forwarder.forward(request, config.keys().keyOf(attributes));
  }

  public Fleet fleet() {
    return fleet;
  }

  public Router router() {
    return router;
  }

  /** Stops watching and, unless configured to keep them, stops the replicas. */
  @Override
  public void close() {
    fleet.close();
    forwarder.close();
    virtualThreads.shutdownNow();
    client.close();
  }
}
