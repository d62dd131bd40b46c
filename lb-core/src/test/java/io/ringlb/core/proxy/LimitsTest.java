package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.core.time.FakeClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each limit answers in the API's JSON shape and leaves the data plane serving the next client.
 * The data plane runs on a clock the test moves: a timeout falls due when the test says, to the
 * millisecond, and never because the machine was busy.
 */
class LimitsTest {

  private static final String GET_HOME = "GET /home HTTP/1.1\r\nHost: x\r\n\r\n";

  private final Backends backends = new Backends();
  private final FakeClock clock = new FakeClock();
  private final AtomicInteger served = new AtomicInteger();
  private InetSocketAddress replica;
  private ProxyFixture proxy;

  @BeforeEach
  void replica() {
    replica = backends.http(Map.of("/home", exchange -> {
      served.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = "home".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  private void start(int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout, Duration idleTimeout) {
    proxy = ProxyFixture.onClock(List.of(replica), s -> ProxyFixture.with(s, maxHeaderBytes, maxBodyBytes, headerTimeout, idleTimeout,
        s.connectionsPerReplica(), s.responseTimeout()), clock);
  }

  /** A connection that has had one answer: the data plane has taken it and reads what comes on it. */
  private RawClient servedOnce() throws IOException {
    RawClient client = new RawClient(proxy.port());
    assertThat(client.send(GET_HOME).read().body()).isEqualTo("home");
    return client;
  }

  private void assertStillServes() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send(GET_HOME).read().body()).isEqualTo("home");
    }
  }

  @Test
  void headersOverTheLimitGet431AndTheConnectionCloses() throws IOException {
    start(2_048, ProxySettings.NO_LIMIT, Duration.ofSeconds(10), Duration.ofSeconds(60));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4_000) + "\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(431);
      assertThat(response.body()).isEqualTo("{\"message\":\"<Error> The request headers are larger than 2048 bytes\",\"status\":\"failure\"}");
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(served).hasValue(0);
    assertStillServes();
  }

  @Test
  void aBodyOverTheLimitGets413WhetherItsLengthIsDeclaredOrChunked() throws IOException {
    start(16_384, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(60));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response declared = client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n").read();

      assertThat(declared.status()).isEqualTo(413);
      assertThat(declared.body()).contains("lb.forward.max-body-bytes");
    }
    try (RawClient client = new RawClient(proxy.port())) {
      String chunk = Integer.toHexString(800) + "\r\n" + "b".repeat(800) + "\r\n";
      RawClient.Response chunked = client.send("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n").read();

      assertThat(chunked.status()).isEqualTo(413);
      assertThat(chunked.headers()).containsEntry("content-type", "application/json");
    }
    assertStillServes();
  }

  @Test
  void aClientThatDoesNotFinishItsHeadersInTimeGets408() throws IOException {
    Duration headerTimeout = Duration.ofMillis(300);
    start(16_384, ProxySettings.NO_LIMIT, headerTimeout, Duration.ofSeconds(60));
    try (RawClient client = servedOnce()) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\n"); // no blank line: never finished; timed from its first byte

      proxy.forwardOnceDone(clock, () -> clock.dueIn(headerTimeout), headerTimeout.minusMillis(1)); // the head's first bytes read, and timed
      assertThat(client.quiet()).as("nothing a millisecond before the header timeout").isTrue();
      clock.forward(Duration.ofMillis(1));
      RawClient.Response response = client.read();
      assertThat(response.status()).isEqualTo(408);
      assertThat(response.body()).contains("lb.client.header-timeout-ms");
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(served).as("only the first request reached the replica").hasValue(1);
    assertStillServes();
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedWithoutAnAnswer() throws IOException {
    Duration idleTimeout = Duration.ofMillis(300);
    start(16_384, ProxySettings.NO_LIMIT, Duration.ofSeconds(10), idleTimeout);
    try (RawClient client = servedOnce()) {
      proxy.forwardOnceDone(clock, () -> true, idleTimeout.minusMillis(1)); // the request was read before its answer came
      assertThat(client.quiet()).as("open a millisecond before the idle timeout").isTrue();
      clock.forward(Duration.ofMillis(1));

      assertThat(client.closedByPeer()).as("closed at the idle timeout, with nothing sent").isTrue();
    }
  }

  @Test
  void aClientThatStallsItsBodyGets408AndFreesTheReplica() throws IOException {
    Duration idleTimeout = Duration.ofMillis(400);
    start(16_384, ProxySettings.NO_LIMIT, Duration.ofSeconds(10), idleTimeout);
    try (RawClient client = servedOnce()) {
      client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");

      // the part of the body is read with the head, which is routed
      proxy.forwardOnceDone(clock, () -> proxy.router.loads().total() == 1, idleTimeout.minusMillis(1));
      assertThat(client.quiet()).as("nothing a millisecond before the idle timeout").isTrue();
      clock.forward(Duration.ofMillis(1));
      RawClient.Response response = client.read();
      assertThat(response.status()).isEqualTo(408);
      assertThat(client.closedByPeer()).isTrue();
    }
    assertStillServes();
  }

  @Test
  void garbageGets400AndNothingReachesAReplica() throws IOException {
    start(16_384, ProxySettings.NO_LIMIT, Duration.ofSeconds(10), Duration.ofSeconds(60));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /home HTTP/1.1\r\nContent-Length: nope\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).startsWith("{\"message\":\"<Error> Malformed HTTP request");
    }
    assertThat(served).hasValue(0);
    assertStillServes();
  }

  @Test
  void connectionsToAReplicaAreBoundedAndARequestBeyondThemWaitsForOne() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    InetSocketAddress slow = backends.http(Map.of("/slow", exchange -> {
      most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      concurrent.decrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    }));
    // the bound is per event loop: one loop, so it is the bound of the whole data plane
    proxy = ProxyFixture.onClock(List.of(slow), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(),
        s.idleTimeout(), 2, s.responseTimeout())), clock);
    List<RawClient> clients = List.of(new RawClient(proxy.port()), new RawClient(proxy.port()), new RawClient(proxy.port()), new RawClient(proxy.port()));
    for (RawClient client : clients) {
      client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> concurrent.get() == 2);
    // a window for a broken bound to show itself: no event says a request did not reach the replica (ReplicaPoolTest holds the bound exactly)
    Thread.sleep(300);
    assertThat(concurrent).as("requests at the replica at once").hasValue(2);
    release.countDown();
    for (RawClient client : clients) {
      assertThat(client.read().status()).isEqualTo(200);
      client.close();
    }
    assertThat(most).hasValue(2);
  }

  @Test
  void aHeadBegunBehindARequestStillBeingAnsweredIsTimedFromTheAnswerOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress slow = backends.http(Map.of("/slow", exchange -> {
      taken.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    }));
    Duration headerTimeout = Duration.ofSeconds(2);
    proxy = ProxyFixture.onClock(List.of(slow), s -> ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), headerTimeout,
        Duration.ofMinutes(5), s.connectionsPerReplica(), s.responseTimeout()), clock);
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHo"); // and nothing more
      proxy.forwardOnceDone(clock, () -> taken.get() == 1, headerTimeout.minusMillis(500)); // time passes while the replica answers
      release.countDown();
      assertThat(client.read().status()).isEqualTo(200);
      proxy.settle();

      clock.forward(headerTimeout.minusMillis(1));
      proxy.settle();
      assertThat(client.available()).as("a header timeout from when the head was waited for, not from its read").isZero();
      clock.forward(Duration.ofMillis(1));
      proxy.settle();
      assertThat(client.read().status()).isEqualTo(408);
    }
  }

  @Test
  void aRequestThatWaitsForAConnectionLongerThanTheTimeoutGets503() throws Exception {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress slow = backends.raw(taken, (head, out) -> Thread.sleep(3_000));
    Duration wait = Duration.ofMillis(500); // a request waits for a connection as long as for an answer
    proxy = ProxyFixture.onClock(List.of(slow), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(),
        s.idleTimeout(), 1, wait)), clock);
    try (RawClient first = new RawClient(proxy.port()); RawClient second = new RawClient(proxy.port())) {
      // holds the only connection: a body still on its way, which no response timeout cuts short
      first.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npart of it");
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 1);
      second.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      // routed to R0, and waiting for its connection, in one task of the loop: over once the loop has settled
      proxy.forwardOnceDone(clock, () -> proxy.router.loads().of("R0") == 2, wait.minusMillis(1));
      assertThat(second.available()).as("still waiting a millisecond before the timeout").isZero();
      clock.forward(Duration.ofMillis(1));
      RawClient.Response waited = second.read();
      assertThat(waited.status()).isEqualTo(503);
      assertThat(waited.body()).contains("R0 has no free connection (lb.forward.connections-per-replica)");
      assertThat(taken).as("only one connection reached the replica").hasValue(1);
    }
  }

  @Test
  void aClientThatStopsTakingItsAnswerIsClosedAfterTheIdleTimeoutAndFreesTheReplica() throws Exception {
    CountDownLatch replicaFreed = new CountDownLatch(1);
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress big = backends.raw(taken, (head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[65_536];
      try {
        for (int i = 0; i < 16_384; i++) {
          out.write(block);
        }
      } catch (IOException closed) {
        replicaFreed.countDown();
      }
    });
    Duration idleTimeout = Duration.ofMillis(500);
    proxy = ProxyFixture.onClock(List.of(big), s -> ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(),
        idleTimeout, s.connectionsPerReplica(), s.responseTimeout()), clock);
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"); // and never reads: the answer backs up to the replica
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 1); // read and forwarded: the clock may move

      // the answer fills the buffers on the way in real time; each idle timeout on the clock looks at whether the client took any of it
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        proxy.settle();
        clock.forward(idleTimeout);
        return replicaFreed.await(10, TimeUnit.MILLISECONDS);
      });
    }
  }

  @Test
  void aClientThatTakesItsAnswerSlowlyButSteadilyGetsAllOfIt() throws Exception {
    int size = 16 * 1024 * 1024; // far more than the kernel holds on the way: a connection closed early shows as a body cut short
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress big = backends.raw(taken, (head, out) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[size]);
      out.flush();
    });
    proxy = ProxyFixture.onClock(List.of(big), s -> ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(),
        Duration.ofMillis(150), s.connectionsPerReplica(), s.responseTimeout()), clock);
    try (java.net.Socket client = new java.net.Socket()) {
      client.setReceiveBufferSize(8_192);
      client.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
      client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      java.io.InputStream in = client.getInputStream();
      String head = Backends.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      byte[] buffer = new byte[16_384];
      long received = 0;
      for (int read; received < size && (read = in.read(buffer)) > 0; ) {
        received += read;
        proxy.settle(); // the plane has written what the read made room for
        // a read each 10 ms, of at most the 8 KiB receive buffer: some 120 KiB over the idle timeout, where the data plane sees
        // room again once the client has taken part of the 64 KiB the kernel holds unsent for it (TCP_NOTSENT_LOWAT, over io_uring
        // and epoll: under NIO, which has no such bound, the kernel takes MiBs and the client is cut off)
        clock.forward(Duration.ofMillis(10));
      }
      assertThat(received).as("the whole body arrived").isEqualTo(size);
    }
  }
}
