package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ReplicaTls;
import io.ringlb.core.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas that speak HTTP/2 ({@code lb.forward.protocol=h2c} or {@code h2}) or sit behind TLS
 * ({@code lb.forward.tls}): requests of any client become streams of one connection per replica
 * and event loop, trailers and whole answers pass as they came, and a replica whose certificate
 * is not trusted, not for its name, or which will not speak the protocol asked is never sent a request.
 */
class ReplicaHttp2Test {

  @TempDir
  Path dir;

  private final Backends backends = new Backends();
  private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private H2Backend replica;
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (replica != null) {
      replica.close();
    }
    backends.close();
    http1.close();
  }

  /**
   * A data plane on a clock no one moves: its timeouts never fall due, so a connection and its
   * TLS handshake take what they take on a busy machine (a cold handshake can pass the default
   * connect timeout's second), and a test waits for what the replica does, not for a timer.
   */
  private void proxyTo(InetSocketAddress address, ReplicaLink link) {
    proxy = ProxyFixture.onClock(List.of(address), s -> ProxyFixture.oneLoop(s).withReplicaLink(link), new FakeClock());
  }

  private static ReplicaLink h2c() {
    return new ReplicaLink(ReplicaProtocol.H2C, Optional.empty());
  }

  private static FullHttpRequest get(String uri) {
    FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    get.headers().set(HttpHeaderNames.HOST, "lb.example");
    return get;
  }

  private HttpResponse<String> getOver11(String path) throws Exception {
    return http1.send(HttpRequest.newBuilder(proxy.base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsOfHttp11AndHttp2ClientsReachAnH2cReplicaAsStreamsOfOneConnection() throws Exception {
    replica = new H2Backend(Optional.empty());
    proxyTo(replica.address(), h2c());

    List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      posts.add(http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/echo?n=" + i)).header("TE", "trailers")
          .POST(HttpRequest.BodyPublishers.ofString("body " + i)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<CompletableFuture<H2cClient.Answer>> streams = new ArrayList<>();
    try (H2cClient h2 = new H2cClient(proxy.port())) {
      for (int i = 0; i < 10; i++) {
        streams.add(h2.send(get("/h2?n=" + i)));
      }
      for (int i = 0; i < 10; i++) {
        H2cClient.Answer answer = streams.get(i).get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).startsWith("GET /h2?n=" + i + "\n").contains("host=lb.example\n").contains("x-forwarded-proto=http\n");
      }
    }
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> answer = posts.get(i).get(10, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).startsWith("POST /echo?n=" + i + "\n").contains("te=trailers\n").endsWith("body=body " + i);
      assertThat(answer.headers().map().keySet()).as("Netty's conversion headers stay in the balancer").noneMatch(name -> name.startsWith("x-http2-"));
    }
    assertThat(replica.connections).as("one connection per replica and event loop, a stream per request").hasValue(1);
  }

  @Test
  void aReplicaThatSaysGoAwayOrDropsItsConnectionGetsTheNextRequestOnANewOne() throws Exception {
    replica = new H2Backend(Optional.empty());
    proxyTo(replica.address(), h2c());
    assertThat(getOver11("/echo").statusCode()).isEqualTo(200);

    replica.goAway();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(getOver11("/echo").statusCode()).isEqualTo(200));
    assertThat(replica.connections).as("no new stream on a connection told GOAWAY").hasValue(2);

    replica.dropConnections();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(getOver11("/echo").statusCode()).isEqualTo(200));
    assertThat(replica.connections).as("a closed connection is made again").hasValue(3);
  }

  @Test
  void theHostsAdminEndpointIsReachedOverHttp11InTheClearWhateverTheReplicasSpeak() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    replica = new H2Backend(Optional.of(certificates));
    InetSocketAddress admin = backends.http(Map.of("/rep", Backends.hello("admin")));
    ReplicaLink h2 = new ReplicaLink(ReplicaProtocol.H2, Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), true)));
    proxy = ProxyFixture.onClock(List.of(replica.address()), s -> new ProxySettings(s.host(), s.port(), 1, s.maxHeaderBytes(), s.maxBodyBytes(),
        s.retryBodyBytes(), s.headerTimeout(), s.idleTimeout(), s.connectTimeout(), s.responseTimeout(), s.connectionsPerReplica(),
        Optional.of(new io.ringlb.api.Replica("admin", 0, "127.0.0.1", admin.getPort())), s.maxConcurrentStreams(), h2), new FakeClock());

    assertThat(getOver11("/rep").body()).isEqualTo("Hello from admin");
    assertThat(getOver11("/echo").body()).as("and the replica over h2").startsWith("GET /echo\n");
  }

  /**
   * An HTTP/2 connection to a replica with no stream open closes after {@code lb.forward.idle-timeout-ms}, as an HTTP/1.1 one
   * does in its pool, and not after the response timeout; with a stream open it stays, however long that stream is silent.
   */
  @Test
  void anH2cConnectionWithNoStreamOpenForTheIdleTimeoutIsClosedAndTheNextRequestTakesANewOne() throws Exception {
    replica = new H2Backend(Optional.empty());
    FakeClock clock = new FakeClock();
    Duration idle = ProxySettings.REPLICA_IDLE_TIMEOUT;
    proxy = ProxyFixture.onClock(List.of(replica.address()), s -> ProxyFixture.oneLoop(s).withReplicaLink(h2c()).withReplicaIdleTimeout(idle),
        clock);
    assertThat(getOver11("/echo").statusCode()).isEqualTo(200);
    proxy.forwardOnceDone(clock, () -> true, idle.minusMillis(1));
    assertThat(getOver11("/echo").statusCode()).isEqualTo(200);
    assertThat(replica.connections).as("a millisecond short of the idle timeout: the same connection").hasValue(1);

    proxy.forwardOnceDone(clock, () -> true, idle);
    await().atMost(Duration.ofSeconds(10)).until(() -> replica.open() == 0);
    assertThat(idle).as("well short of the response timeout").isLessThan(ProxySettings.defaults(0).responseTimeout());

    CompletableFuture<HttpResponse<String>> held = http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/hold")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> replica.held() == 1);
    proxy.forwardOnceDone(clock, () -> true, idle.plusMillis(1));
    assertThat(replica.open()).as("a stream open: not idle").isEqualTo(1);
    replica.answerHeld();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(replica.connections).as("the request after the close took a new connection").hasValue(2);
  }

  /** Longer than the test runs, so only the fake clock reaches it; shorter than the response timeout (10 s). */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void aReplicaThatNeverFinishesTheHandshakeFailsAtTheConnectTimeout() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    InetSocketAddress mute = backends.raw(new AtomicInteger(), (head, out) -> {}); // takes the connection, says nothing
    ReplicaLink tls = new ReplicaLink(ReplicaProtocol.HTTP_1_1, Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), false)));
    FakeClock clock = new FakeClock();
    proxy = ProxyFixture.onClock(List.of(mute), s -> ProxyFixture.oneLoop(ProxyFixture.connectTimeout(s, CONNECT_TIMEOUT)).withReplicaLink(tls), clock);

    CompletableFuture<HttpResponse<String>> answer = http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/echo")).build(),
        HttpResponse.BodyHandlers.ofString());
    // routed, and the connection begun with its deadline, in one task of the loop: over once the loop has settled
    proxy.forwardOnceDone(clock, () -> proxy.router.loads().of("R0") == 1, CONNECT_TIMEOUT.minusMillis(1));
    assertThat(proxy.reports).as("still shaking hands a millisecond before the timeout").isEmpty();
    assertThat(answer).isNotDone();
    clock.forward(Duration.ofMillis(1)); // returns once the deadline has run on the loop, and with it the attempt's end

    assertThat(proxy.reports).extracting(ProxyFixture.Report::outcome).containsOnly(io.ringlb.core.health.Outcome.TIMED_OUT);
    assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
  }

  @Test
  void aRequestTheReplicaSaysItNeverProcessedGoesToTheNextReplicaAndCountsNoFailure() throws Exception {
    replica = new H2Backend(Optional.empty());
    replica.refuses = true;
    try (H2Backend next = new H2Backend(Optional.empty())) {
      proxy = new ProxyFixture(List.of(replica.address(), next.address()), s -> ProxyFixture.oneLoop(s).withReplicaLink(h2c()));

      HttpResponse<String> answer = http1.send(HttpRequest.newBuilder(proxy.base.resolve("/refuse")).header("X-Key", "0").build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).startsWith("GET /refuse\n");
      assertThat(proxy.events).containsExactly("retried R0", "answered R1 200");
      assertThat(proxy.reports).as("a replica that stops gracefully has not failed").isEmpty();
    }
  }

  /** {@code /refuse}: a GOAWAY naming an earlier stream as the last processed; {@code /reset-refused}: RST_STREAM REFUSED_STREAM. */
  @ParameterizedTest
  @ValueSource(strings = {"/refuse", "/reset-refused"})
  void aPostTheReplicaSaysItNeverProcessedGoesToTheNextReplicaWithItsBody(String path) throws Exception {
    replica = new H2Backend(Optional.empty());
    replica.refuses = true;
    try (H2Backend next = new H2Backend(Optional.empty())) {
      proxy = new ProxyFixture(List.of(replica.address(), next.address()), s -> ProxyFixture.oneLoop(s).withReplicaLink(h2c()));

      HttpResponse<String> answer = http1.send(HttpRequest.newBuilder(proxy.base.resolve(path)).header("X-Key", "0")
          .POST(HttpRequest.BodyPublishers.ofString("order 42")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).startsWith("POST " + path + "\n").endsWith("body=order 42");
      assertThat(proxy.events).containsExactly("retried R0", "answered R1 200");
      assertThat(proxy.reports).as("a replica that refuses a stream has not failed").isEmpty();
      if (path.equals("/reset-refused")) {
        // the next request to R0 follows on its connection any frame the balancer sent it before
        assertThat(http1.send(HttpRequest.newBuilder(proxy.base.resolve("/after")).header("X-Key", "0").build(), HttpResponse.BodyHandlers.ofString())
            .body()).startsWith("GET /after\n");
        assertThat(replica.resetsReceived.get()).as("a reset is not answered with a reset (RFC 9113, 5.4.2)").isZero();
      }
    }
  }

  /** A GET that R0 keeps unanswered, and a POST with a body sent after it to R0, whose answers are awaited. */
  private record HeldAndWaiting(CompletableFuture<HttpResponse<String>> held, CompletableFuture<HttpResponse<String>> waiting) {

    void assertBothAnswered() throws Exception {
      HttpResponse<String> order = waiting.get(10, TimeUnit.SECONDS);
      assertThat(order.statusCode()).isEqualTo(200);
      assertThat(order.body()).startsWith("POST /order\n").endsWith("body=order 42");
      assertThat(held.get(10, TimeUnit.SECONDS).body()).startsWith("GET /hold\n");
    }
  }

  /** Balances between {@link #replica} (a limit of one stream) and {@code next}; sends R0 a GET it keeps, then a POST that waits behind it in the balancer. */
  private HeldAndWaiting aPostWaitingBehindAHeldGet(H2Backend next) {
    proxy = new ProxyFixture(List.of(replica.address(), next.address()), s -> ProxyFixture.oneLoop(s).withReplicaLink(h2c()));
    CompletableFuture<HttpResponse<String>> held = http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/hold")).header("X-Key", "0").build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(10, TimeUnit.SECONDS).until(() -> replica.held() == 1);
    CompletableFuture<HttpResponse<String>> waiting = http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/order")).header("X-Key", "0")
        .POST(HttpRequest.BodyPublishers.ofString("order 42")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(10, TimeUnit.SECONDS).until(() -> proxy.router.loads().of("R0") == 2); // the second stream waits behind the first
    return new HeldAndWaiting(held, waiting);
  }

  /**
   * A burst on a new connection: the replica's limit comes in its first SETTINGS frame, and a
   * stream opened before it came would be refused. Each request waits for the one before.
   */
  @Test
  void aBurstOnANewConnectionWaitsForTheReplicasStreamLimitBeforeAnyStreamIsSent() throws Exception {
    replica = new H2Backend(Optional.empty(), 1);
    proxyTo(replica.address(), h2c());
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/hold")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> proxy.router.loads().of("R0") == 4);

    for (int answered = 0; answered < 4; answered++) {
      await().atMost(10, TimeUnit.SECONDS).until(() -> replica.held() == 1);
      replica.answerHeld();
    }

    for (CompletableFuture<HttpResponse<String>> request : burst) {
      assertThat(request.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(proxy.events).as("none refused, none retried").containsOnly("answered R0 200");
  }

  /**
   * A request waiting for the replica's stream limit whose client goes away is never sent: else it
   * would run once a place came free, for no one, and hold that place from the requests behind it.
   */
  @Test
  void aRequestWaitingForTheReplicasStreamLimitWhoseClientLeavesIsNeverSent() throws Exception {
    replica = new H2Backend(Optional.empty(), 1);
    proxyTo(replica.address(), h2c());
    CompletableFuture<HttpResponse<String>> held = http1.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/hold")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(10, TimeUnit.SECONDS).until(() -> replica.held() == 1);
    try (Socket leaving = new Socket("127.0.0.1", proxy.port())) {
      leaving.getOutputStream().write("GET /abandoned HTTP/1.1\r\nHost: lb.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(10, TimeUnit.SECONDS).until(() -> proxy.router.loads().of("R0") == 2); // waiting behind /hold
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> proxy.router.loads().of("R0") == 1); // its client gone, the exchange ended

    replica.answerHeld();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(getOver11("/after").statusCode()).isEqualTo(200);

    assertThat(replica.received).as("what waited behind /hold would have gone before /after").containsExactly("/hold", "/after");
  }

  /**
   * A stream past the replica's SETTINGS_MAX_CONCURRENT_STREAMS waits in the balancer, never sent;
   * the replica's GOAWAY, which can name only streams it has seen, must not end it as a failure.
   */
  @Test
  void aPostWaitingForTheReplicasStreamLimitWhenItSaysGoAwayGoesToTheNextReplica() throws Exception {
    replica = new H2Backend(Optional.empty(), 1);
    try (H2Backend next = new H2Backend(Optional.empty())) {
      HeldAndWaiting requests = aPostWaitingBehindAHeldGet(next);

      replica.goAway(); // the last stream it processed: the first
      replica.answerHeld();

      requests.assertBothAnswered();
      assertThat(proxy.events).containsExactlyInAnyOrder("retried R0", "answered R1 200", "answered R0 200");
      assertThat(proxy.reports).as("a replica that stops gracefully has not failed").isEmpty();
    }
  }

  /** As above, the replica's connection ending instead: the request it was processing fails over as a GET does, the waiting one as never sent. */
  @Test
  void aPostWaitingForTheReplicasStreamLimitWhenItsConnectionEndsGoesToTheNextReplica() throws Exception {
    replica = new H2Backend(Optional.empty(), 1);
    try (H2Backend next = new H2Backend(Optional.empty())) {
      HeldAndWaiting requests = aPostWaitingBehindAHeldGet(next);

      replica.dropConnections();
      await().atMost(10, TimeUnit.SECONDS).until(() -> next.held() == 1); // the GET, sent again
      next.answerHeld();

      requests.assertBothAnswered();
      assertThat(proxy.events).containsExactlyInAnyOrder("retried R0", "retried R0", "answered R1 200", "answered R1 200");
    }
  }

  @Test
  void trailersReachHttp2AndHttp11ClientsAsTheReplicaSentThem() throws Exception {
    replica = new H2Backend(Optional.empty());
    proxyTo(replica.address(), h2c());

    try (H2cClient h2 = new H2cClient(proxy.port()); RawClient raw = new RawClient(proxy.port())) {
      H2cClient.Answer overH2 = h2.send(get("/trailers")).get(10, TimeUnit.SECONDS);
      RawClient.Response overH11 = raw.send("GET /trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n").read();

      assertThat(overH2.body()).isEqualTo("body");
      assertThat(overH2.trailers().get("x-checksum")).isEqualTo("42");
      assertThat(overH11.headers()).containsEntry("transfer-encoding", "chunked");
      assertThat(overH11.body()).isEqualTo("body");
      assertThat(overH11.trailers()).containsEntry("x-checksum", "42");
    }
  }

  @Test
  void anAnswerThatEndsWithItsHeadersReachesAnHttp2ClientAsOneHeadersFrame() throws Exception {
    replica = new H2Backend(Optional.empty());
    proxyTo(replica.address(), h2c());

    try (H2cClient h2 = new H2cClient(proxy.port())) {
      assertThat(h2.frames(get("/trailers-only")).get(10, TimeUnit.SECONDS)).as("gRPC's trailers-only answer stays one frame").containsExactly("HEADERS+END");
      assertThat(h2.frames(get("/trailers")).get(10, TimeUnit.SECONDS)).containsExactly("HEADERS", "DATA", "HEADERS+END");
    }
    assertThat(getOver11("/trailers-only").headers().firstValue("grpc-status")).hasValue("7");
  }

  @Test
  void aStreamedAnswerComesWhole() throws Exception {
    replica = new H2Backend(Optional.empty());
    proxyTo(replica.address(), h2c());

    HttpResponse<String> answer = getOver11("/stream");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("part 1\npart 2\npart 3\n");
  }

  @Test
  void h2OverTlsReachesAReplicaWhoseCertificateIsTrustedAndForItsName() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    replica = new H2Backend(Optional.of(certificates));
    proxyTo(replica.address(), new ReplicaLink(ReplicaProtocol.H2, Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), true))));

    HttpResponse<String> answer = getOver11("/echo");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).startsWith("GET /echo\n").contains("x-forwarded-proto=http\n");
  }

  @Test
  void http11OverTlsReachesAnHttpsReplica() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    InetSocketAddress https = backends.https(Map.of("/echo", Backends.echo()), certificates);
    proxyTo(https, new ReplicaLink(ReplicaProtocol.HTTP_1_1, Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), false))));

    HttpResponse<String> answer = getOver11("/echo");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).startsWith("GET /echo HTTP/1.1\n");
  }

  @Test
  void aReplicaWhoseCertificateIsNotTrustedIsNotSentTheRequest() throws Exception {
    TestCertificates served = TestCertificates.make(dir.resolve("served"), "replica");
    TestCertificates trusted = TestCertificates.make(dir.resolve("trusted"), "another");
    replica = new H2Backend(Optional.of(served));
    proxyTo(replica.address(), new ReplicaLink(ReplicaProtocol.H2, Optional.of(ReplicaTls.load(Optional.of(trusted.certificate()), true))));

    assertRefused();
  }

  @Test
  void aReplicaWhoseCertificateIsForAnotherNameIsNotSentTheRequest() throws Exception {
    TestCertificates elsewhere = TestCertificates.make(dir, "replica", "dns:elsewhere.example");
    replica = new H2Backend(Optional.of(elsewhere));
    proxyTo(replica.address(), new ReplicaLink(ReplicaProtocol.H2, Optional.of(ReplicaTls.load(Optional.of(elsewhere.certificate()), true))));

    assertRefused();
  }

  @Test
  void aReplicaThatWillNotSpeakH2ByAlpnIsNotSentTheRequest() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "replica");
    InetSocketAddress http11Only = backends.https(Map.of("/echo", Backends.echo()), certificates);
    proxyTo(http11Only, new ReplicaLink(ReplicaProtocol.H2, Optional.of(ReplicaTls.load(Optional.of(certificates.certificate()), true))));

    assertRefused();
  }

  /** The request was answered 503 by the balancer, and the replica counted as one that could not be connected to. */
  private void assertRefused() throws Exception {
    HttpResponse<String> answer = getOver11("/echo");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("No replica could answer: tried R0");
    assertThat(proxy.events).containsExactly("connect-failed R0", "answered-itself 503");
  }
}
