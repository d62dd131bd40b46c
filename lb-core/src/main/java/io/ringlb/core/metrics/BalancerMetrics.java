package io.ringlb.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.ringlb.api.Replica;
import io.ringlb.core.fleet.FleetListener;
import io.ringlb.core.proxy.RequestEvents;
import io.ringlb.core.routing.RingDecorator;
import io.ringlb.core.routing.Router;
import io.ringlb.core.stats.KeyShares;
import io.ringlb.core.stats.RingChanges;
import io.ringlb.core.tls.ServerTls;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The balancer's meters, per replica, in a Micrometer registry: what the data plane and the
 * fleet tell ({@link RequestEvents}, {@link FleetListener}) counted as it happens, and what the
 * router knows (requests in flight, who is in the ring, each one's share of the keys) read when
 * the registry is scraped. In Prometheus terms:
 *
 * <ul>
 *   <li>{@code ringlb_replica_responses_total{replica,code}}: final answers by status class ({@code 2xx} to {@code 5xx});
 *   <li>{@code ringlb_replica_response_seconds}: a histogram of the time from sending a request to the
 *       end of its answer;
 *   <li>{@code ringlb_replica_in_flight}, {@code ringlb_replica_up} (1 while in the ring);
 *   <li>{@code ringlb_replica_retries_total}: requests it failed that went on to the next replica;
 *       {@code ringlb_replica_resends_total}: requests sent to it again on a new connection, after it
 *       closed a kept-alive one under them; {@code ringlb_replica_connect_failures_total};
 *   <li>{@code ringlb_replica_ejections_total}: taken out of the ring because requests failed
 *       (passive health); {@code ringlb_replica_heartbeat_failures_total};
 *       {@code ringlb_replica_replacements_total}: found dead and started again;
 *   <li>{@code ringlb_ring_key_share{replica}}: the share of the key space it holds;
 *       {@code ringlb_ring_points{replica}}: the points of the strategy's circle it holds (0 for a
 *       strategy without points, such as {@code rendezvous}).
 *   <li>{@code ringlb_tls_certificate_not_after_seconds}: when the certificate the TLS port serves
 *       now expires, in seconds since the epoch ({@code - time()} in PromQL is the time left);
 *       only with {@code lb.tls.port}.
 *   <li>{@code ringlb_client_connection_failures_total{reason}}: client connections ended for what
 *       they sent outside any one request ({@link RequestEvents#clientConnectionFailed}): failed TLS
 *       handshakes, ones not finished within the header timeout, HTTP/2 connection errors by their code.
 *   <li>{@code ringlb_balancer_responses_total{code}}: requests the data plane answered with an error
 *       of its own, by exact status ({@link RequestEvents#answeredItself}).
 * </ul>
 *
 * <p>A replica's meters are made on the fleet's loop when it starts or joins, and removed there
 * once it has been removed from the fleet and stopped; events about a replica without meters are
 * dropped. On the request path, recording reads a {@link ConcurrentHashMap} and adds to
 * Micrometer's counters and histogram buckets, which are atomic adders: no lock.
 */
public final class BalancerMetrics implements RequestEvents, FleetListener {

  /**
   * The histogram's buckets: Prometheus's own defaults, 5 ms to 10 s, with 0.5, 1 and 2.5 ms
   * below them, since a replica on the same network answers in well under 5 ms and a p99 worked
   * out from one bucket of 0 to 5 ms would read as about 5 ms whatever it was.
   */
  static final List<Duration> BUCKETS = List.of(500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
      2_500_000, 5_000_000, 10_000_000).stream().map(micros -> Duration.of(micros, ChronoUnit.MICROS)).toList();

  /** A final answer's status classes: interim answers (1xx) are passed on, not counted; "other" is a status past 599. */
  private static final String[] CODE_CLASSES = {"2xx", "3xx", "4xx", "5xx", "other"};

  private final MeterRegistry registry;
  private final Router router;
  private final KeyShares shares = new KeyShares();
  private final ConcurrentHashMap<String, ReplicaMeters> byName = new ConcurrentHashMap<>();
  /** By reason: a handful, the TLS handshake's and HTTP/2's error codes. */
  private final ConcurrentHashMap<String, Counter> clientFailures = new ConcurrentHashMap<>();
  /** By status: the handful the data plane answers with itself. */
  private final ConcurrentHashMap<Integer, Counter> ownAnswers = new ConcurrentHashMap<>();

  /** Watches what each change of ring moves: the last change's share of the keys. */
  public void ringChanges(RingChanges changes) {
    Gauge.builder("ringlb.ring.keys.moved.ratio", () -> changes.last().moved())
        .description("The share of the key space, 0 to 1, that the last change of ring (a replica joined or left, a weight changed) moved")
        .register(registry);
  }

  /** Watches the certificate the data plane's TLS port serves, reloads included. */
  public void tlsCertificate(ServerTls tls) {
    Gauge.builder("ringlb.tls.certificate.not.after", () -> tls.notAfter().getEpochSecond())
        .description("When the certificate served on the TLS port expires, in seconds since the epoch").baseUnit("seconds").register(registry);
  }

  public BalancerMetrics(MeterRegistry registry, Router router) {
    this.registry = registry;
    this.router = router;
  }

  /** The meters of one replica, made together and removed together. */
  private final class ReplicaMeters {
    final Counter[] responses = new Counter[CODE_CLASSES.length];
    final Timer response;
    final Counter retries;
    final Counter resends;
    final Counter connectFailures;
    final Counter ejections;
    final Counter heartbeatFailures;
    final Counter replacements;
    final List<Meter> all;

    ReplicaMeters(String name) {
      Tags replica = Tags.of("replica", name);
      for (int c = 0; c < CODE_CLASSES.length; c++) {
        responses[c] = Counter.builder("ringlb.replica.responses").description("Answers from the replica, by status class")
            .tags(replica).tag("code", CODE_CLASSES[c]).register(registry);
      }
      response = Timer.builder("ringlb.replica.response").description("From sending a request to the replica to the end of its answer")
          .tags(replica).serviceLevelObjectives(BUCKETS.toArray(Duration[]::new))
          // the maximum's window rotates under a lock: a long window rotates about never, on any thread, and the
          // exported _max is the longest answer since the balancer started
          .distributionStatisticExpiry(Duration.ofDays(3650)).distributionStatisticBufferLength(1)
          .register(registry);
      retries = counter("ringlb.replica.retries", "Requests the replica failed that went on to the next replica", replica);
      resends = counter("ringlb.replica.resends", "Requests sent to the replica again on a new connection after it closed a kept-alive one under them",
          replica);
      connectFailures = counter("ringlb.replica.connect.failures", "Connections to the replica refused or timed out", replica);
      ejections = counter("ringlb.replica.ejections", "Times failed requests took the replica out of the ring", replica);
      heartbeatFailures = counter("ringlb.replica.heartbeat.failures", "Heartbeats the replica failed or answered not ready", replica);
      replacements = counter("ringlb.replica.replacements", "Times the replica was found dead and started again", replica);
      Gauge inFlight = Gauge.builder("ringlb.replica.in.flight", () -> router.loads().of(name))
          .description("Requests the data plane has at the replica now").tags(replica).register(registry);
      Gauge up = Gauge.builder("ringlb.replica.up", () -> router.ring().replicas().contains(name) ? 1 : 0)
          .description("1 while the replica is in the ring").tags(replica).register(registry);
      Gauge share = Gauge.builder("ringlb.ring.key.share", () -> shares.of(RingDecorator.undecorated(router.ring())).getOrDefault(name, 0.0))
          .description("The share of the key space the replica holds, 0 to 1").tags(replica).register(registry);
      Gauge points = Gauge.builder("ringlb.ring.points", () -> RingDecorator.undecorated(router.ring()).points(name))
          .description("The points of the strategy's circle the replica holds: virtual nodes, slots or table entries").tags(replica)
          .register(registry);
      this.all = List.of(responses[0], responses[1], responses[2], responses[3], responses[4], response, retries, resends, connectFailures,
          ejections, heartbeatFailures, replacements, inFlight, up, share, points);
    }

    private Counter counter(String name, String description, Tags replica) {
      return Counter.builder(name).description(description).tags(replica).register(registry);
    }
  }

  /**
   * The replica's meters, made when it starts or joins; null for one the fleet has not told of or
   * has removed, whose late events are dropped rather than bring its series back.
   */
  private ReplicaMeters of(String name) {
    return byName.get(name); // the request path's read: no lock
  }

  private void made(String name) {
    byName.computeIfAbsent(name, ReplicaMeters::new);
  }

  // ---- the data plane ----

  @Override
  public void answered(Replica replica, int status, long nanos) {
    ReplicaMeters meters = of(replica.name());
    if (meters != null) {
      int codeClass = status / 100;
      meters.responses[codeClass >= 2 && codeClass <= 5 ? codeClass - 2 : 4].increment();
      meters.response.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void retried(Replica failed) {
    ReplicaMeters meters = of(failed.name());
    if (meters != null) {
      meters.retries.increment();
    }
  }

  @Override
  public void resent(Replica replica) {
    ReplicaMeters meters = of(replica.name());
    if (meters != null) {
      meters.resends.increment();
    }
  }

  @Override
  public void connectFailed(Replica replica) {
    ReplicaMeters meters = of(replica.name());
    if (meters != null) {
      meters.connectFailures.increment();
    }
  }

  @Override
  public void clientConnectionFailed(String reason) {
    clientFailures.computeIfAbsent(reason, named -> Counter.builder("ringlb.client.connection.failures")
        .description("Client connections ended for what they sent outside any one request: a failed or timed-out TLS handshake, an HTTP/2 connection error")
        .tag("reason", named).register(registry)).increment();
  }

  @Override
  public void answeredItself(int status) {
    ownAnswers.computeIfAbsent(status, code -> Counter.builder("ringlb.balancer.responses")
        .description("Requests the data plane answered with an error of its own, no replica's, by status: refused (400, 408, 413, 414, 431, 501) or unanswerable (503)")
        .tag("code", String.valueOf(code)).register(registry)).increment();
  }

  // ---- the fleet, on its loop: the one thread that makes and removes meters ----

  @Override
  public void started(String replica) {
    made(replica);
  }

  @Override
  public void joined(String replica) {
    made(replica); // an adopted replica joins without having been started here
  }

  @Override
  public void heartbeatFailed(String replica, String why) {
    ReplicaMeters meters = of(replica);
    if (meters != null) {
      meters.heartbeatFailures.increment();
    }
  }

  @Override
  public void died(String replica, String why, boolean byRequests) {
    ReplicaMeters meters = of(replica);
    if (meters != null) {
      meters.replacements.increment();
      if (byRequests) {
        meters.ejections.increment();
      }
    }
  }

  @Override
  public void removed(String replica) {
    // unregistered inside the map's own step for the key, so no reader finds meters half removed
    byName.computeIfPresent(replica, (name, meters) -> {
      meters.all.forEach(registry::remove);
      return null;
    });
  }
}
