package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests waiting on a replica when it leaves the ring (found dead, unready, or removed). One
 * that may go elsewhere (idempotent, its body kept, nothing answered yet) goes to the next
 * candidate at once, instead of waiting out the response timeout on a replica known to be gone;
 * the others stay, as a drain lets them. The response timeout here is a minute, longer than the
 * test client waits: an answer that comes at all came from the departure, not from the timeout.
 */
class DepartureTest {

  private final Backends backends = new Backends();
  /** Holds every request a silent replica takes until the test lets it answer. */
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger silentTook = new AtomicInteger();
  private final CountDownLatch silentHasOne = new CountDownLatch(1);
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  /**
   * A replica that takes each request and answers nothing until released, as a stopped process
   * whose kernel still accepts; or that first sends the start of an answer, {@code begun}, and
   * then {@code rest} once released.
   */
  private InetSocketAddress silent(String begun, String rest) {
    return backends.raw(silentTook, (head, out) -> {
      out.write(begun.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      silentHasOne.countDown();
      release.await();
      out.write(rest.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    });
  }

  private InetSocketAddress silent() {
    return silent("", "HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\nthe silent one");
  }

  private InetSocketAddress answering(String name, AtomicInteger took) {
    return backends.http(Map.of("/home", exchange -> {
      took.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }));
  }

  private void start(List<InetSocketAddress> replicas) {
    proxy = new ProxyFixture(replicas, settings -> ProxyFixture.with(settings, settings.maxHeaderBytes(), settings.maxBodyBytes(),
        settings.headerTimeout(), settings.idleTimeout(), settings.connectionsPerReplica(), Duration.ofMinutes(1)));
  }

  /** Sends {@code request} to R0, which takes it silently; takes {@code leaving} out of the ring; answers the body the client then gets. */
  private String answerOnceTheyLeave(String request, String... leaving) throws Exception {
    try (RawClient client = new RawClient(proxy.port())) {
      client.send(request);
      assertThat(silentHasOne.await(10, TimeUnit.SECONDS)).as("R0 has the request").isTrue();

      leave(leaving);

      return client.read().body();
    }
  }

  private void leave(String... names) {
    proxy.router.update(ring -> {
      for (String name : names) {
        ring = ring.without(name);
      }
      return ring;
    });
  }

  @Test
  void anIdempotentRequestWaitingOnAReplicaThatLeavesGoesToTheNextCandidateAtOnce() throws Exception {
    AtomicInteger r1Took = new AtomicInteger();
    start(List.of(silent(), answering("R1", r1Took)));

    assertThat(answerOnceTheyLeave("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n", "R0")).isEqualTo("R1");
    assertThat(proxy.events).containsExactly("retried R0", "answered R1 200");
    assertThat(proxy.reports).as("leaving the ring is no failure to report for passive health").isEmpty();
  }

  @Test
  void aBodyKeptGoesAlongToTheNextCandidate() throws Exception {
    AtomicInteger r1Took = new AtomicInteger();
    start(List.of(silent(), answering("R1", r1Took)));

    assertThat(answerOnceTheyLeave("PUT /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\nContent-Length: 5\r\n\r\nhello", "R0")).isEqualTo("R1");
    assertThat(r1Took).hasValue(1);
  }

  @Test
  void theNextCandidateIsOneStillInTheRing() throws Exception {
    AtomicInteger r1Took = new AtomicInteger();
    AtomicInteger r2Took = new AtomicInteger();
    start(List.of(silent(), answering("R1", r1Took), answering("R2", r2Took)));

    assertThat(answerOnceTheyLeave("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n", "R0", "R1")).isEqualTo("R2");
    assertThat(r1Took).as("R1 left with R0: not worth a try").hasValue(0);
  }

  @Test
  void aRequestThatMayNotBeSentTwiceStaysWithItsReplicaAndGetsItsAnswer() throws Exception {
    AtomicInteger r1Took = new AtomicInteger();
    start(List.of(silent(), answering("R1", r1Took)));

    try (RawClient client = new RawClient(proxy.port())) {
      client.send("POST /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\nContent-Length: 5\r\n\r\nhello");
      assertThat(silentHasOne.await(10, TimeUnit.SECONDS)).isTrue();

      leave("R0"); // removed and draining, say: a POST is not sent twice
      release.countDown();

      assertThat(client.read().body()).isEqualTo("the silent one");
    }
    assertThat(r1Took).hasValue(0);
  }

  @Test
  void anAnswerAlreadyUnderWayIsFinishedByItsReplica() throws Exception {
    AtomicInteger r1Took = new AtomicInteger();
    start(List.of(silent("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbo", "dy"), answering("R1", r1Took)));

    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n").awaitAnswer(); // the answer has begun at the client

      leave("R0");
      release.countDown();

      assertThat(client.read().body()).isEqualTo("body");
    }
    assertThat(r1Took).hasValue(0);
  }
}
