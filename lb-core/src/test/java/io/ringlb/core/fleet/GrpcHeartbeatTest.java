package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ReplicaTls;
import io.ringlb.core.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats by gRPC's health protocol, against grpc-java's own health service on real servers,
 * timed on a clock the test moves: a heartbeat that passes never races its timeout, however busy
 * the machine.
 */
class GrpcHeartbeatTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Server> servers = new ArrayList<>();
  private final HealthStatusManager health = new HealthStatusManager();

  @AfterEach
  void stop() throws InterruptedException {
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    virtualThreads.close();
  }

  private Replica serving(NettyServerBuilder builder, BindableService... services) throws Exception {
    for (BindableService service : services) {
      builder.addService(service);
    }
    Server server = builder.build().start();
    servers.add(server);
    return new Replica("S1", 0, "127.0.0.1", server.getPort());
  }

  private Replica cleartext(BindableService... services) throws Exception {
    return serving(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), services);
  }

  /** A replica whose health service takes each call and never answers; it counts the calls, and those their clients cancelled. */
  private Replica silent(AtomicInteger calls, AtomicInteger cancelled) throws Exception {
    return cleartext(new HealthGrpc.HealthImplBase() {
      @Override
      public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> answer) {
        ((ServerCallStreamObserver<HealthCheckResponse>) answer).setOnCancelHandler(cancelled::incrementAndGet);
        calls.incrementAndGet(); // and never answers
      }
    });
  }

  private Heartbeat check(Replica replica, String service) throws Exception {
    return new GrpcHeartbeat(TIMEOUT, clock, service, Optional.empty(), virtualThreads).check(replica).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aServingReplicaPassesAndANotServingOneIsNotReady() throws Exception {
    Replica replica = cleartext(health.getHealthService());
    health.setStatus("shop", ServingStatus.SERVING);
    assertThat(check(replica, "").outcome()).as("the whole server, which the manager says is serving").isEqualTo(Outcome.PASSED);
    assertThat(check(replica, "shop").outcome()).isEqualTo(Outcome.PASSED);

    health.setStatus("shop", ServingStatus.NOT_SERVING);
    Heartbeat notServing = check(replica, "shop");

    assertThat(notServing.outcome()).isEqualTo(Outcome.UNREADY);
    assertThat(notServing.detail()).isEqualTo("grpc.health.v1.Health/Check(\"shop\") at 127.0.0.1:" + replica.port() + ": NOT_SERVING, not ready");
  }

  @Test
  void anUnknownServiceOrAServerWithoutTheHealthServiceFails() throws Exception {
    Replica withHealth = cleartext(health.getHealthService());
    Replica without = cleartext();

    Heartbeat unknown = check(withHealth, "nobody");
    Heartbeat unimplemented = check(without, "");

    assertThat(unknown.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(unknown.detail()).contains("NOT_FOUND");
    assertThat(unimplemented.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(unimplemented.detail()).contains("UNIMPLEMENTED");
  }

  @Test
  void aReplicaThatTakesTheCallAndNeverAnswersHasTimedOutAtTheTimeoutAndTheCallIsCancelled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Replica silent = silent(calls, cancelled);

    CompletableFuture<Heartbeat> beat = new GrpcHeartbeat(TIMEOUT, clock, "", Optional.empty(), virtualThreads).check(silent);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    HeartbeatTimeouts.assertTimesOutAt(clock, TIMEOUT, beat, new Heartbeat(Outcome.TIMED_OUT,
        "grpc.health.v1.Health/Check(\"\") at 127.0.0.1:" + silent.port() + ": no answer within 500 ms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> cancelled.get() == 1); // nothing left waiting on the silent replica
  }

  @Test
  void closingTheHeartbeatsCancelsTheCallsUnderWayAndFailsAnyAskedForAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Replica silent = silent(calls, cancelled);
    GrpcHeartbeat heartbeat = new GrpcHeartbeat(TIMEOUT, clock, "", Optional.empty(), virtualThreads);
    CompletableFuture<Heartbeat> beat = heartbeat.check(silent);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);

    heartbeat.close();

    Heartbeat stopped = new Heartbeat(Outcome.FAILED, "grpc.health.v1.Health/Check(\"\") at 127.0.0.1:" + silent.port() + ": the heartbeats have stopped");
    assertThat(beat).isCompletedWithValue(stopped);
    assertThat(heartbeat.check(silent).get(10, TimeUnit.SECONDS)).isEqualTo(stopped);
    await().atMost(Duration.ofSeconds(10)).until(() -> cancelled.get() == 1); // the call given up: no channel left open on the replica
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.timers() == 0);
    assertThat(calls).as("nothing asked once closed").hasValue(1);
  }

  @Test
  void aReplicaNotListeningHasFailed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    Heartbeat refused = check(new Replica("S2", 1, "127.0.0.1", closedPort), "");

    assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(refused.detail()).contains("UNAVAILABLE");
  }

  @Test
  void overTlsTheReplicasCertificateIsTrustedAsTheDataPlaneTrustsIt() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    Replica replica = serving(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.forServer(certificates.certificate().toFile(), certificates.key().toFile()).build()), health.getHealthService());
    TestCertificates other = TestCertificates.make(dir.resolve("other"), "other");

    Heartbeat trusted = new GrpcHeartbeat(TIMEOUT, clock, "", Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), true)), virtualThreads)
        .check(replica).get(10, TimeUnit.SECONDS);
    Heartbeat untrusted = new GrpcHeartbeat(TIMEOUT, clock, "", Optional.of(ReplicaTls.load(Optional.of(other.certificate()), true)), virtualThreads)
        .check(replica).get(10, TimeUnit.SECONDS);

    assertThat(trusted.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(untrusted.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(untrusted.detail()).as("which check failed, where grpc-java's own description says only 'io exception'")
        .contains("unable to find valid certification path").doesNotContain("Channel Pipeline");
  }
}
