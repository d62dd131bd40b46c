package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.proxy.Backends;
import io.ringlb.core.proxy.H2Backend;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ReplicaTls;
import io.ringlb.core.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats over HTTP/2, against replicas that speak nothing else: Netty's HTTP/2 server, in the
 * clear by prior knowledge and over TLS by ALPN. Timed on a clock the test moves: a heartbeat
 * that passes never races its timeout, however busy the machine.
 */
class Http2HeartbeatTest {

  @TempDir
  Path dir;

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private final FakeClock clock = new FakeClock();
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closing : started.reversed()) {
      closing.close();
    }
    virtualThreads.close();
  }

  private <T extends AutoCloseable> T started(T closeable) {
    started.add(closeable);
    return closeable;
  }

  private Http2Heartbeat heartbeat(String path, Optional<ReplicaTls> tls) {
    return started(new Http2Heartbeat(TIMEOUT, clock, path, tls, new DefaultThreadFactory("heartbeats", true), virtualThreads));
  }

  private static Replica at(InetSocketAddress address) {
    return new Replica("S1", 0, "127.0.0.1", address.getPort());
  }

  private static Heartbeat beat(Http2Heartbeat heartbeat, Replica replica) throws Exception {
    return heartbeat.check(replica).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReplicaThatSpeaksOnlyH2cPassesAndOneAnswering503IsNotReady() throws Exception {
    Replica replica = at(started(new H2Backend(Optional.empty())).address());

    Heartbeat passed = beat(heartbeat("/heartbeat", Optional.empty()), replica);
    Heartbeat unready = beat(heartbeat("/unready", Optional.empty()), replica);

    assertThat(passed).isEqualTo(new Heartbeat(Outcome.PASSED, "GET http://127.0.0.1:" + replica.port() + "/heartbeat over HTTP/2: 200"));
    assertThat(unready).isEqualTo(new Heartbeat(Outcome.UNREADY, "GET http://127.0.0.1:" + replica.port() + "/unready over HTTP/2: 503, not ready"));
  }

  @Test
  void aReplicaThatTakesTheRequestAndNeverAnswersHasTimedOutAtTheTimeoutAndItsConnectionIsClosed() throws Exception {
    H2Backend hung = started(new H2Backend(Optional.empty()));
    Replica replica = at(hung.address());

    CompletableFuture<Heartbeat> beat = heartbeat("/hold", Optional.empty()).check(replica);
    await().atMost(Duration.ofSeconds(10)).until(() -> hung.held() == 1);
    HeartbeatTimeouts.assertTimesOutAt(clock, TIMEOUT, beat, new Heartbeat(Outcome.TIMED_OUT, "GET http://127.0.0.1:" + replica.port() + "/hold over HTTP/2: no answer within 500 ms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hung.open() == 0); // nothing left waiting on the hung replica
  }

  @Test
  void aReplicaThatNeverTakesTheConnectionHasTimedOutAtTheTimeoutAndOneNotListeningHasFailed() throws Exception {
    Backends backends = started(new Backends());
    Replica unreachable = at(backends.neverAccepting());
    Replica refusing = at(Backends.refusing());

    CompletableFuture<Heartbeat> beat = heartbeat("/heartbeat", Optional.empty()).check(unreachable);
    Heartbeat refused = beat(heartbeat("/heartbeat", Optional.empty()), refusing);
    HeartbeatTimeouts.assertTimesOutAt(clock, TIMEOUT, beat, new Heartbeat(Outcome.TIMED_OUT,
        "GET http://127.0.0.1:" + unreachable.port() + "/heartbeat over HTTP/2: no connection within 500 ms"));
    assertThat(refused).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + refusing.port() + "/heartbeat over HTTP/2: connection refused"));
  }

  @Test
  void aReplicaThatSaysGoAwayBeforeAnsweringOrWhoseNameIsUnknownHasFailed() throws Exception {
    H2Backend leaving = started(new H2Backend(Optional.empty()));
    leaving.refuses = true;

    Heartbeat refused = beat(heartbeat("/refuse", Optional.empty()), at(leaving.address()));
    Heartbeat unknown = beat(heartbeat("/heartbeat", Optional.empty()), new Replica("S2", 1, "no-such-host.invalid", 8080));

    assertThat(refused).isEqualTo(new Heartbeat(Outcome.FAILED,
        "GET http://127.0.0.1:" + leaving.address().getPort() + "/refuse over HTTP/2: the replica said GOAWAY before answering"));
    assertThat(unknown).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://no-such-host.invalid:8080/heartbeat over HTTP/2: unknown host no-such-host.invalid"));
  }

  @Test
  void aHeartbeatAskedForOnceTheyHaveStoppedFailsAtOnce() throws Exception {
    Replica replica = at(started(new H2Backend(Optional.empty())).address());
    Http2Heartbeat stopped = heartbeat("/heartbeat", Optional.empty());
    stopped.close();

    assertThat(beat(stopped, replica)).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + replica.port() + "/heartbeat over HTTP/2: the heartbeats have stopped"));
  }

  @Test
  void aServerThatSpeaksOnlyHttp11HasFailed() throws Exception {
    HttpServer http11 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http11.createContext("/heartbeat", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    http11.start();
    started(() -> http11.stop(0));

    Heartbeat beat = beat(heartbeat("/heartbeat", Optional.empty()), at(http11.getAddress()));

    assertThat(beat.outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void overTlsTheReplicasCertificateIsTrustedAsTheDataPlaneTrustsIt() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    TestCertificates other = TestCertificates.make(dir.resolve("other"), "other");
    Replica replica = at(started(new H2Backend(Optional.of(certificates))).address());

    Heartbeat trusted = beat(heartbeat("/heartbeat", Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), true))), replica);
    Heartbeat untrusted = beat(heartbeat("/heartbeat", Optional.of(ReplicaTls.load(Optional.of(other.certificate()), true))), replica);

    assertThat(trusted).isEqualTo(new Heartbeat(Outcome.PASSED, "GET https://127.0.0.1:" + replica.port() + "/heartbeat over HTTP/2: 200"));
    assertThat(untrusted.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(untrusted.detail()).contains("SSLHandshakeException");
  }
}
