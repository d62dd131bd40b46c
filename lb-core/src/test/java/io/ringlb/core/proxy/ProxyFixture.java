package io.ringlb.core.proxy;

import static org.awaitility.Awaitility.await;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ExerciseRules;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.BoundedLoadRing;
import io.ringlb.core.routing.Loads;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ServerTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The real data plane over replicas at the given addresses, named R0, R1, ... in ring order. The
 * {@code X-Key} header picks the first candidate (key mod N), the next ones follow in order.
 */
final class ProxyFixture implements AutoCloseable {

  record Report(String replica, Outcome outcome) {}

  final DataPlane plane;
  final Router router;
  final List<Report> reports = new CopyOnWriteArrayList<>();
  /** What the data plane told of its requests, one line each: "answered R1 201", "retried R0", "connect-failed R0". */
  final List<String> events = new CopyOnWriteArrayList<>();
  final URI base;
  private final EngineClock clock;

  ProxyFixture(List<InetSocketAddress> replicas) {
    this(replicas, settings -> settings);
  }

  ProxyFixture(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune) {
    this(replicas, tune, 0);
  }

  /** @param balanceFactor bounded loads over the ring, as {@code lb.balance-factor}; 0 for none */
  ProxyFixture(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, int balanceFactor) {
    this(replicas, tune, balanceFactor, AccessLog.NONE);
  }

  /** @param accessLog handed a line per request; closed with the data plane */
  ProxyFixture(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, int balanceFactor, AccessLog accessLog) {
    this(replicas, tune, balanceFactor, accessLog, EngineClock.system(), ExerciseRules.rules());
  }

  /** With TLS on a port of its own beside the cleartext one. */
  ProxyFixture(List<InetSocketAddress> replicas, ServerTls tls) {
    this(replicas, settings -> settings, 0, AccessLog.NONE, EngineClock.system(), ExerciseRules.rules(), Optional.of(tls));
  }

  ProxyFixture(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, int balanceFactor, AccessLog accessLog, EngineClock clock,
      HostRules rules) {
    this(replicas, tune, balanceFactor, accessLog, clock, rules, Optional.empty());
  }

  /**
   * @param clock the data plane's clock; closed with it
   * @param rules what the host decides of paths and 404s
   * @param tls TLS on a port of its own, if any
   */
  ProxyFixture(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, int balanceFactor, AccessLog accessLog, EngineClock clock,
      HostRules rules, Optional<ServerTls> tls) {
    this.clock = clock;
    ReplicaSet set = ReplicaSet.empty();
    for (int i = 0; i < replicas.size(); i++) {
      set = set.with(new Replica("R" + i, i, replicas.get(i).getHostString(), replicas.get(i).getPort()));
    }
    Loads loads = new Loads();
    HashRing ring = balanceFactor == 0 ? new ModuloRing(set) : new BoundedLoadRing(new ModuloRing(set), loads, balanceFactor);
    ProxySettings settings = tune.apply(ProxySettings.defaults(0));
    router = new Router(ring, 3, loads);
    plane = DataPlane.start(new Plane(settings, router, request -> Long.parseLong(request.header("X-Key").orElse("0")),
        (replica, outcome) -> reports.add(new Report(replica.name(), outcome)), recordingInto(events), accessLog, clock, rules),
        new DefaultThreadFactory("test-data-plane", true), tls);
    base = URI.create("http://127.0.0.1:" + plane.address().getPort());
  }

  /** Events told as text into {@code events}: {@code answered R0 200}, {@code client-connection-failed tls_handshake} ... */
  static RequestEvents recordingInto(List<String> events) {
    return new RequestEvents() {
      @Override
      public void answered(Replica replica, int status, long nanos) {
        events.add("answered " + replica.name() + " " + status);
      }

      @Override
      public void retried(Replica failed) {
        events.add("retried " + failed.name());
      }

      @Override
      public void resent(Replica replica) {
        events.add("resent " + replica.name());
      }

      @Override
      public void connectFailed(Replica replica) {
        events.add("connect-failed " + replica.name());
      }

      @Override
      public void clientConnectionFailed(String reason) {
        events.add("client-connection-failed " + reason);
      }

      @Override
      public void answeredItself(int status) {
        events.add("answered-itself " + status);
      }
    };
  }

  /** A data plane on {@code clock}, which a test moves by hand, with the exercise's rules. */
  static ProxyFixture onClock(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, EngineClock clock) {
    return new ProxyFixture(replicas, tune, 0, AccessLog.NONE, clock, ExerciseRules.rules());
  }

  /**
   * Installs a client connection's real pipeline, cleartext or with {@code tls}, in {@code
   * connection} (an embedded channel, not yet registered) and registers it: a data plane with no
   * replica in its ring, on {@code clock}, so a complete request is answered 503 at once.
   */
  static <C extends EmbeddedChannel> C embeddedClient(C connection, ProxySettings settings, EngineClock clock, Optional<ServerTls> tls) throws Exception {
    return embeddedClient(connection, settings, clock, tls, RequestEvents.NONE);
  }

  /** The same, its connection's events told to {@code events}. */
  static <C extends EmbeddedChannel> C embeddedClient(C connection, ProxySettings settings, EngineClock clock, Optional<ServerTls> tls,
      RequestEvents events) throws Exception {
    Router router = new Router(new ModuloRing(ReplicaSet.empty()), 3, new Loads());
    Plane plane = new Plane(settings, router, request -> 0L, (replica, outcome) -> {}, events, AccessLog.NONE, clock, HostRules.NONE);
    connection.pipeline().addLast(new ClientPipeline(plane, loop -> new ReplicaPools(loop, Transport.best(), settings, router, clock), tls,
        new Http2Connections()));
    connection.register();
    return connection;
  }

  static ProxySettings connectTimeout(ProxySettings s, Duration connectTimeout) {
    return new ProxySettings(s.host(), s.port(), s.eventLoops(), s.maxHeaderBytes(), s.maxBodyBytes(), s.retryBodyBytes(), s.headerTimeout(),
        s.idleTimeout(), connectTimeout, s.responseTimeout(), s.connectionsPerReplica(), s.admin(), s.maxConcurrentStreams(), s.replicaLink());
  }

  static ProxySettings with(ProxySettings s, int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout, Duration idleTimeout,
      int connectionsPerReplica, Duration responseTimeout) {
    return new ProxySettings(s.host(), s.port(), s.eventLoops(), maxHeaderBytes, maxBodyBytes, s.retryBodyBytes(), headerTimeout, idleTimeout,
        s.connectTimeout(), responseTimeout, connectionsPerReplica, s.admin());
  }

  static ProxySettings oneLoop(ProxySettings s) {
    return loops(s, 1);
  }

  static ProxySettings loops(ProxySettings s, int eventLoops) {
    return new ProxySettings(s.host(), s.port(), eventLoops, s.maxHeaderBytes(), s.maxBodyBytes(), s.retryBodyBytes(), s.headerTimeout(), s.idleTimeout(),
        s.connectTimeout(), s.responseTimeout(), s.connectionsPerReplica(), s.admin());
  }

  int port() {
    return plane.address().getPort();
  }

  /**
   * Waits until each event loop has run everything handed to it before this call: what a loop was
   * doing when a test saw its effect from outside (a replica reading a request) is done, to the
   * last line of the task that did it.
   */
  void settle() {
    for (EventExecutor loop : plane.loops()) {
      loop.submit(() -> {}).syncUninterruptibly();
    }
  }

  /**
   * Moves {@code clock} on by {@code by} once the plane has done what the test waits on ({@code
   * done}: a request read, routed, taken by the replica) and its loops have finished doing it, then
   * waits for the loops again: a timer that doing it set counts from before the move, and what the
   * move set off has run by the time this returns.
   */
  void forwardOnceDone(FakeClock clock, Callable<Boolean> done, Duration by) {
    await().atMost(Duration.ofSeconds(10)).until(done);
    settle();
    clock.forward(by);
    settle();
  }

  int tlsPort() {
    return plane.tlsAddress().orElseThrow().getPort();
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /** Stops the data plane as the balancer does, letting the requests in flight finish for at most {@code drain}. */
  void close(Duration drain) {
    plane.close(drain);
    clock.close();
  }
}
