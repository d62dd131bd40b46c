package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.proxy.Backends;
import io.ringlb.core.time.FakeClock;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats over HTTP/1.1, against real HTTP servers, timed on a clock the test moves: a
 * heartbeat that passes never races its timeout, however busy the machine.
 */
class HttpHeartbeatTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final FakeClock clock = new FakeClock();
  private final Backends backends = new Backends();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpHeartbeat heartbeat = new HttpHeartbeat(client, TIMEOUT, clock, "/heartbeat", false, virtualThreads);
  /** What the hung replica took, and the connections its clients closed. */
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger givenUp = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    virtualThreads.shutdownNow(); // a heartbeat still sending would hold a close() for ever
    virtualThreads.awaitTermination(10, TimeUnit.SECONDS);
    client.close();
    backends.close();
  }

  private static Replica at(InetSocketAddress address) {
    return new Replica("S1", 0, "127.0.0.1", address.getPort());
  }

  /** A replica that takes each request and never answers. */
  private Replica hung() {
    return at(backends.silent(requests, givenUp));
  }

  /** The heartbeat's request, once {@code hung} has taken it. */
  private CompletableFuture<Heartbeat> askedOf(Replica hung) {
    CompletableFuture<Heartbeat> beat = heartbeat.check(hung);
    await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
    return beat;
  }

  private static HttpHandler answering(int status) {
    return exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    };
  }

  private static Heartbeat settled(CompletableFuture<Heartbeat> beat) throws Exception {
    return beat.get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoHundredPassesFiveOhThreeIsNotReadyAndAnyOtherStatusHasFailed() throws Exception {
    Replica passing = at(backends.http(Map.of("/heartbeat", answering(200))));
    Replica unready = at(backends.http(Map.of("/heartbeat", answering(503))));
    Replica broken = at(backends.http(Map.of("/heartbeat", answering(500))));

    assertThat(settled(heartbeat.check(passing))).isEqualTo(new Heartbeat(Outcome.PASSED, "GET http://127.0.0.1:" + passing.port() + "/heartbeat: 200"));
    assertThat(settled(heartbeat.check(unready))).isEqualTo(new Heartbeat(Outcome.UNREADY, "GET http://127.0.0.1:" + unready.port() + "/heartbeat: 503, not ready"));
    assertThat(settled(heartbeat.check(broken))).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + broken.port() + "/heartbeat: 500"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clock.timers()).as("each deadline went with its heartbeat").isZero());
  }

  @Test
  void aReplicaThatTakesTheRequestAndNeverAnswersHasTimedOutAtTheTimeoutAndItsConnectionIsClosed() throws Exception {
    Replica hung = hung();
    CompletableFuture<Heartbeat> beat = askedOf(hung);
    HeartbeatTimeouts.assertTimesOutAt(clock, TIMEOUT, beat, new Heartbeat(Outcome.TIMED_OUT, "GET http://127.0.0.1:" + hung.port() + "/heartbeat: no answer within 1000 ms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> givenUp.get() == 1); // nothing left waiting on the hung replica
  }

  @Test
  void aReplicaThatNeverTakesTheConnectionHasTimedOutAtTheTimeout() {
    Replica unreachable = at(backends.neverAccepting());

    CompletableFuture<Heartbeat> beat = heartbeat.check(unreachable);
    HeartbeatTimeouts.assertTimesOutAt(clock, TIMEOUT, beat, new Heartbeat(Outcome.TIMED_OUT, "GET http://127.0.0.1:" + unreachable.port() + "/heartbeat: no answer within 1000 ms"));
  }

  @Test
  void closingTheHeartbeatsGivesUpThoseUnderWayAndFailsAnyAskedForAfter() throws Exception {
    Replica hung = hung();
    CompletableFuture<Heartbeat> beat = askedOf(hung);

    heartbeat.close();

    Heartbeat stopped = new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + hung.port() + "/heartbeat: the heartbeats have stopped");
    assertThat(beat).isCompletedWithValue(stopped);
    assertThat(settled(heartbeat.check(hung))).isEqualTo(stopped);
    await().atMost(Duration.ofSeconds(10)).until(() -> givenUp.get() == 1); // nothing left waiting on the hung replica
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.timers() == 0);
    assertThat(requests).as("nothing sent once closed").hasValue(1);
  }

  @Test
  void aPortNothingListensOnHasFailedAtOnce() throws Exception {
    Replica refusing = at(Backends.refusing());

    assertThat(settled(heartbeat.check(refusing))).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + refusing.port() + "/heartbeat: connection refused"));
  }

  @Test
  void aHeartbeatAskedForOnceTheyHaveStoppedFailsAtOnce() throws Exception {
    Replica passing = at(backends.http(Map.of("/heartbeat", answering(200))));
    virtualThreads.close();

    assertThat(settled(heartbeat.check(passing))).isEqualTo(new Heartbeat(Outcome.FAILED, "GET http://127.0.0.1:" + passing.port() + "/heartbeat: the heartbeats have stopped"));
  }
}
