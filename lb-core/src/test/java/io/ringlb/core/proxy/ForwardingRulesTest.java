package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.ringlb.core.health.Outcome;
import io.ringlb.api.Replica;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.FakeClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the data plane does with a request and with a replica's answer or failure: the rules users rely on. */
class ForwardingRulesTest {

  private final Backends backends = new Backends();
  /** The data plane's clock in the tests of its timeouts, which move it by hand: each timeout is asserted to the millisecond. */
  private final FakeClock clock = new FakeClock();
  /** What a replica in such a test waits on before it answers, if it ever does. */
  private final CountDownLatch held = new CountDownLatch(1);
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws Exception {
    held.countDown();
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  private ProxyFixture onTheFakeClock(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune) {
    return ProxyFixture.onClock(replicas, tune, clock);
  }

  private static UnaryOperator<ProxySettings> responseTimeout(Duration timeout) {
    return s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(), s.idleTimeout(),
        s.connectionsPerReplica(), timeout));
  }

  /** A replica that answers its first request on a connection at once and every later one once the test lets it. */
  private InetSocketAddress answersFirstAtOnce(AtomicInteger asked, String body) {
    return backends.http(Map.of("/home", exchange -> {
      if (asked.incrementAndGet() > 1) {
        try {
          held.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }));
  }

  private InetSocketAddress echo(String name) {
    HttpHandler echo = exchange -> {
      StringBuilder seen = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
      exchange.getRequestHeaders().forEach((header, values) -> seen.append(header.toLowerCase()).append('=').append(String.join("|", values)).append('\n'));
      seen.append("body=").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = seen.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("X-Served-By", name);
      exchange.getResponseHeaders().add("X-Hop", "private");
      exchange.getResponseHeaders().add("Connection", "X-Hop");
      exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
      exchange.sendResponseHeaders(201, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    return backends.http(Map.of("/echo", echo, "/home", exchange -> {
      byte[] body = ("Hello from " + name).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }));
  }

  @Test
  void passesTheRequestWithForwardingHeadersAndDropsHopByHopOnesBothWays() throws IOException {
    proxy = new ProxyFixture(List.of(echo("R0")));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("POST /echo?x=1 HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 192.0.2.7\r\n"
          + "Connection: X-Secret\r\nX-Secret: dropped\r\nKeep-Alive: timeout=9\r\nContent-Length: 5\r\n\r\nhello").read();

      assertThat(response.status()).isEqualTo(201);
      assertThat(response.body()).contains("POST /echo?x=1\n", "host=shop.example\n", "x-forwarded-for=192.0.2.7, 127.0.0.1\n",
          "x-forwarded-proto=http\n", "x-forwarded-host=shop.example\n", "body=hello").doesNotContain("x-secret", "keep-alive");
      assertThat(response.headers()).containsEntry("x-served-by", "R0").doesNotContainKeys("x-hop", "keep-alive");
    }
  }

  @Test
  void aReplicas404BecomesTheExercises400AndTheConnectionStaysUsable() throws IOException {
    proxy = new ProxyFixture(List.of(echo("R0")));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response missing = client.send("GET /other?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      RawClient.Response next = client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.headers()).containsEntry("content-type", "application/json");
      assertThat(missing.body()).isEqualTo("{\"message\":\"<Error> '/other' endpoint does not exist in server replicas\",\"status\":\"failure\"}");
      assertThat(next.body()).isEqualTo("Hello from R0");
    }
  }

  @Test
  void aHostWithoutTheExercisesRulesGetsTheReplicas404AsItIs() throws IOException {
    proxy = new ProxyFixture(List.of(echo("R0")), settings -> settings, 0, AccessLog.NONE, EngineClock.system(), HostRules.NONE);
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response missing = client.send("GET /other?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.body()).doesNotContain("endpoint does not exist");
    }
  }

  @Test
  void aReplicaThatRefusesConnectionsIsPassedOverAndReportedForAnyMethod() throws IOException {
    proxy = new ProxyFixture(List.of(Backends.refusing(), echo("R1")));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read();

      assertThat(response.status()).isEqualTo(201);
      assertThat(response.headers()).containsEntry("x-served-by", "R1");
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.FAILED));
      assertThat(proxy.events).containsExactly("connect-failed R0", "retried R0", "answered R1 201");
    }
  }

  @Test
  void anIdempotentRequestWhoseReplicaFailsBeforeAnsweringGoesToTheNextWithItsBody() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress hangsUp = backends.raw(taken, (head, out) -> {}); // reads the request, closes without a byte
    proxy = new ProxyFixture(List.of(hangsUp, echo("R1")));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nkept").read();

      assertThat(response.status()).isEqualTo(201);
      assertThat(response.body()).endsWith("body=kept");
      assertThat(taken).hasValue(1);
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.FAILED));
      assertThat(proxy.events).as("a failure after the request went out is no connect failure")
          .containsExactly("retried R0", "answered R1 201");
    }
  }

  @Test
  void aNonIdempotentRequestIsNotSentTwiceAndGets503() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress hangsUp = backends.raw(taken, (head, out) -> {});
    AtomicInteger second = new AtomicInteger();
    proxy = new ProxyFixture(List.of(hangsUp, backends.raw(second, (head, out) -> {})));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read();

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"message\":\"<Error> No replica could answer: tried R0\",\"status\":\"failure\"}");
      assertThat(taken).hasValue(1);
      assertThat(second).hasValue(0);
    }
  }

  @Test
  void anIdempotentRequestOnAKeptConnectionTheReplicaClosesUnderItIsSentAgainToTheSameReplica() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    proxy = new ProxyFixture(List.of(backends.answersOncePerConnection(taken, new CountDownLatch(0)), echo("R1")));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

      RawClient.Response again = client.send("PUT /home HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nkept").read();

      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).as("its body, sent again").isEqualTo("kept");
      assertThat(taken).as("the first, the one lost on the kept connection, and again on a new one").hasValue(3);
      assertThat(proxy.reports).as("a race every keep-alive client runs, no failure of the replica's").isEmpty();
      assertThat(proxy.events).as("R0 again, not the next replica").containsExactly("answered R0 200", "resent R0", "answered R0 200");
    }
  }

  @Test
  void aRequestLostOnAKeptConnectionGoesOutAgainOnANewOneNotOnAnotherKeptOne() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch answering = new CountDownLatch(1);
    proxy = new ProxyFixture(List.of(backends.answersOncePerConnection(taken, answering)), ProxyFixture::oneLoop);
    try (RawClient first = new RawClient(proxy.port()); RawClient second = new RawClient(proxy.port())) {
      first.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      second.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 2); // two connections to the replica, both in use
      answering.countDown();
      assertThat(first.read().status()).isEqualTo(200);
      assertThat(second.read().status()).isEqualTo(200);

      RawClient.Response third = first.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(third.status()).isEqualTo(200);
      assertThat(taken).as("lost on one kept connection, answered on a new one; the other kept one, as stale, not tried").hasValue(4);
      assertThat(proxy.reports).isEmpty();
    }
  }

  @Test
  void aRequestTheReplicaClosesEveryConnectionOnIsSentTwiceAtMost() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch answering = new CountDownLatch(1);
    InetSocketAddress dropsDeath = backends.keepingAlive(taken, answering, (head, before) -> head.startsWith("GET /death "));
    proxy = new ProxyFixture(List.of(dropsDeath), ProxyFixture::oneLoop);
    try (RawClient first = new RawClient(proxy.port()); RawClient second = new RawClient(proxy.port())) {
      first.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      second.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 2); // two connections kept, for the pool to try
      answering.countDown();
      assertThat(first.read().status()).isEqualTo(200);
      assertThat(second.read().status()).isEqualTo(200);
      taken.set(0);

      RawClient.Response death = first.send("GET /death HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(death.status()).isEqualTo(503);
      assertThat(taken).as("on a kept connection, then once on a new one: not on every connection the pool kept").hasValue(2);
      assertThat(proxy.reports).as("the second loss is the replica's failure").containsExactly(new ProxyFixture.Report("R0", Outcome.FAILED));
    }
  }

  @Test
  void aPostOnAKeptConnectionTheReplicaClosesUnderItIsNotSentAgain() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    proxy = new ProxyFixture(List.of(backends.answersOncePerConnection(taken, new CountDownLatch(0))));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

      RawClient.Response again = client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read();

      assertThat(again.status()).as("it may have been processed: not replayed (RFC 9110, 9.2.2)").isEqualTo(503);
      assertThat(taken).hasValue(2);
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.FAILED));
    }
  }

  @Test
  void anAdminCallOnAKeptConnectionTheEndpointClosesUnderItIsNotSentAgain() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress admin = backends.answersOncePerConnection(taken, new CountDownLatch(0));
    proxy = new ProxyFixture(List.of(echo("R0")), s -> new ProxySettings(s.host(), s.port(), s.eventLoops(), s.maxHeaderBytes(), s.maxBodyBytes(),
        s.retryBodyBytes(), s.headerTimeout(), s.idleTimeout(), s.connectTimeout(), s.responseTimeout(), s.connectionsPerReplica(),
        Optional.of(new Replica("admin", 0, admin.getHostString(), admin.getPort()))));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /rep HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

      RawClient.Response removed = client.send("DELETE /rm HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n{\"n\": 2}").read();

      assertThat(removed.status()).isEqualTo(503);
      assertThat(taken).as("an /rm of random replicas is no idempotent call: not sent twice").hasValue(2);
    }
  }

  /**
   * A connection sits unused in its pool for lb.forward.idle-timeout-ms at most, not for the response
   * timeout: closed before a replica with a shorter keep-alive than that (Node's 5 s) closes it.
   */
  @Test
  void aConnectionUnusedForTheIdleTimeoutIsClosedAndTheNextRequestTakesANewOne() throws IOException {
    List<Integer> carriedBefore = new java.util.concurrent.CopyOnWriteArrayList<>();
    InetSocketAddress replica = backends.keepingAlive(new AtomicInteger(), new CountDownLatch(0), (head, before) -> !carriedBefore.add(before));
    Duration idle = ProxySettings.REPLICA_IDLE_TIMEOUT;
    proxy = onTheFakeClock(List.of(replica), s -> ProxyFixture.oneLoop(s).withReplicaIdleTimeout(idle));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      proxy.forwardOnceDone(clock, () -> true, idle.minusMillis(1));
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      assertThat(carriedBefore).as("kept a millisecond short of the idle timeout: the same connection").containsExactly(0, 1);

      proxy.forwardOnceDone(clock, () -> true, idle);
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

      assertThat(carriedBefore).as("closed once unused for it, well short of the response timeout: a new one").containsExactly(0, 1, 0);
      assertThat(idle).isLessThan(ProxySettings.defaults(0).responseTimeout());
    }
  }

  /**
   * A replica that sends more than its answer (more bytes than its Content-Length, a body on an
   * answer to HEAD or a 204) has its connection closed, not pooled: kept, those bytes would be
   * read as the start of the next request's answer, and that request, served by the replica,
   * would fail with a 503 and count against it. The next request goes on a new connection.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GET  | HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello! | 200",
      "HEAD | HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello  | 200",
      "GET  | HTTP/1.1 204 No Content\\r\\n\\r\\nbody                  | 204"})
  void bytesAReplicaSendsPastItsAnswerCloseItsConnection(String method, String answer, int status) throws IOException {
    assertTheNextRequestGoesOnANewConnection(method, (head, out) -> {
      out.write((head.startsWith("POST") ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext" : answer.replace("\\r\\n", "\r\n"))
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }, status);
  }

  /** So do bytes a replica sends on a connection idle in the pool, a whole line or not: no request asked for them. */
  @Test
  void bytesAReplicaSendsOnAnIdleConnectionCloseIt() throws IOException {
    assertTheNextRequestGoesOnANewConnection("GET", (head, out) -> {
      out.write((head.startsWith("POST") ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext" : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (!head.startsWith("POST")) {
        Thread.sleep(100); // the answer relayed, its connection back in the pool
        out.write("junk".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }, 200);
  }

  /** A line end after an answer, in its read or later, which some servers send and Netty's decoder skips, is kept with the connection. */
  @Test
  void aLineEndAfterAnAnswerKeepsItsConnection() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    proxy = onTheFakeClock(List.of(backends.keptAlive(taken, closed, (head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(100); // the answer relayed, its connection back in the pool
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    })), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(), s.idleTimeout(), 1,
        s.responseTimeout())));
    try (RawClient client = new RawClient(proxy.port())) {
      for (int i = 0; i < 3; i++) {
        RawClient.Response answer = client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("ok");
      }
    }
    assertThat(taken).as("every request on the one connection").hasValue(1);
    assertThat(closed).hasValue(0);
    assertThat(proxy.reports).isEmpty();
  }

  /**
   * The answer to a HEAD keeps the framing a GET would get (RFC 9110, 9.3.2): {@code
   * Transfer-Encoding: chunked} from the replica reaches an HTTP/1.1 client, as a length does; a
   * 204 has no framing to tell, and an HTTP/1.0 client knows no chunked.
   */
  @Test
  void aHeadAnswerKeepsTheReplicasChunkedFraming() throws Exception {
    InetSocketAddress replica = backends.raw(new AtomicInteger(), (head, out) -> {
      String status = head.contains("/empty") ? "204 No Content" : "200 OK";
      out.write(("HTTP/1.1 " + status + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
    proxy = new ProxyFixture(List.of(replica));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response answer = client.send("HEAD /streamed HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
      RawClient.Response next = client.send("HEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n").read(true);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.headers()).containsEntry("transfer-encoding", "chunked").doesNotContainKey("content-length");
      assertThat(next.status()).as("the connection kept after a HEAD answer with no body").isEqualTo(204);
      assertThat(next.headers()).doesNotContainKey("transfer-encoding");
    }
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response answer = client.send("HEAD /streamed HTTP/1.0\r\n\r\n").read(true);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.headers()).doesNotContainKey("transfer-encoding");
    }
    try (H2cClient client = new H2cClient(proxy.port())) {
      FullHttpRequest head = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/streamed");
      head.headers().set(HttpHeaderNames.HOST, "x");
      H2cClient.Answer overH2 = client.send(head).get(10, TimeUnit.SECONDS);

      assertThat(overH2.status()).as("over HTTP/2, which has no such field, the stream ends with the head").isEqualTo(200);
      assertThat(overH2.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
      assertThat(overH2.body()).isEmpty();
    }
  }

  private void assertTheNextRequestGoesOnANewConnection(String method, Backends.RawAnswer answer, int status) throws IOException {
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    proxy = onTheFakeClock(List.of(backends.keptAlive(taken, closed, answer)), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(),
        s.maxBodyBytes(), s.headerTimeout(), s.idleTimeout(), 1, s.responseTimeout())));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send(method + " /first HTTP/1.1\r\nHost: x\r\n\r\n").read(method.equals("HEAD")).status()).isEqualTo(status);
      // closed by the balancer for what came unasked; on a clock no one moves, not for its idle timeout
      await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);

      RawClient.Response next = client.send("POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read();

      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("next");
    }
    assertThat(taken).as("the next request on a new connection").hasValue(2);
    assertThat(proxy.reports).as("no failure of the replica's").isEmpty();
  }

  /**
   * An HTTP/1.1 request that asks to switch to h2c (RFC 9113, 3.1, deprecated) is served as
   * HTTP/1.1: its Upgrade and HTTP2-Settings go no further, so a replica that speaks h2c cannot
   * make the client's connection a tunnel to itself, past the balancer's routing and limits.
   */
  @Test
  void anUpgradeToH2cIsServedAsHttp11AndNeverReachesTheReplica() throws IOException {
    List<String> heads = new CopyOnWriteArrayList<>();
    proxy = new ProxyFixture(List.of(backends.raw(new AtomicInteger(), (head, out) -> {
      heads.add(head);
      boolean asked = head.toLowerCase(Locale.ROOT).contains("upgrade: h2c");
      out.write((asked ? "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
          : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    })));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response answer = client.send("GET /home HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").read();

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("ok");
    }
    assertThat(heads).singleElement().asString().doesNotContainIgnoringCase("upgrade").doesNotContainIgnoringCase("http2-settings");
  }

  /** A replica that answers each request on its head alone, as nginx's return does, and tells which request lines it had. */
  private InetSocketAddress answersOnItsHead(List<String> requestLines) {
    return backends.raw(new AtomicInteger(), (head, out) -> {
      requestLines.add(head.lines().findFirst().orElseThrow());
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
  }

  /**
   * A replica may answer before it has read the request's body. When little of the body is still
   * to come, the client's connection reads it and lets it go, as nginx does, and serves the next
   * request: the client does not pay a new connection for the replica's haste.
   */
  @Test
  void theShortRestOfABodyAnsweredEarlyIsLetGoAndTheConnectionServesTheNextRequest() throws IOException {
    List<String> requestLines = new CopyOnWriteArrayList<>();
    proxy = new ProxyFixture(List.of(answersOnItsHead(requestLines)));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response early = client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n").read(); // its body not sent yet
      assertThat(early.status()).isEqualTo(200);
      assertThat(early.headers()).doesNotContainEntry("connection", "close");

      RawClient.Response next = client.send("bodyGET /next HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(next.status()).isEqualTo(200);
    }
    assertThat(requestLines).as("the rest of the body reached no replica as a request").containsExactly("POST /home HTTP/1.1", "GET /next HTTP/1.1");
  }

  /**
   * Where the rest of the body is long, or of a length not declared, or may never come (the client
   * waits for a {@code 100 Continue} the replica did not send), the client's connection closes
   * after the early answer, and the answer says so, so that the client sends its next request on a
   * new one rather than into the rest of this one's body.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 65537", // a byte more than is read and let go
      "Transfer-Encoding: chunked",
      "Content-Length: 4\r\nExpect: 100-continue"})
  void anEarlyAnswerToABodyThatIsNotLetGoSaysTheConnectionCloses(String framing) throws IOException {
    proxy = new ProxyFixture(List.of(answersOnItsHead(new CopyOnWriteArrayList<>())));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response early = client.send("POST /home HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n").read();

      assertThat(early.status()).isEqualTo(200);
      assertThat(early.headers()).containsEntry("connection", "close");
      assertThat(client.closedByPeer()).isTrue();
    }
  }

  /** The rest of a body answered early must come as the rest of any body does: stalled for the idle timeout, the connection closes. */
  @Test
  void theRestOfABodyAnsweredEarlyThatStallsClosesTheConnectionAtTheIdleTimeout() throws IOException {
    Duration idleTimeout = Duration.ofMillis(400);
    proxy = onTheFakeClock(List.of(answersOnItsHead(new CopyOnWriteArrayList<>())), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(),
        s.maxBodyBytes(), s.headerTimeout(), idleTimeout, s.connectionsPerReplica(), s.responseTimeout())));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n").read().status()).isEqualTo(200);
      client.send("bo");

      proxy.forwardOnceDone(clock, () -> true, idleTimeout.minusMillis(1));
      assertThat(client.quiet()).as("open a millisecond before the idle timeout").isTrue();
      clock.forward(Duration.ofMillis(1));
      assertThat(client.closedByPeer()).as("closed at the idle timeout, with nothing sent").isTrue();
    }
  }

  /** Trickled, each piece within the idle timeout, the rest must still all come within the header timeout, as a head must (nginx's lingering_time). */
  @Test
  void theRestOfABodyAnsweredEarlyThatTricklesClosesTheConnectionAtTheHeaderTimeout() throws IOException {
    Duration headerTimeout = Duration.ofMillis(1_000);
    Duration idleTimeout = Duration.ofMillis(400);
    proxy = onTheFakeClock(List.of(answersOnItsHead(new CopyOnWriteArrayList<>())), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(),
        s.maxBodyBytes(), headerTimeout, idleTimeout, s.connectionsPerReplica(), s.responseTimeout())));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n").read().status()).isEqualTo(200);
      for (String piece : List.of("b", "o", "d", "y", "!")) { // a byte every 200 ms: the last at 800 ms, idle for 200 ms at 1 s
        client.send(piece);
        proxy.forwardOnceDone(clock, () -> true, Duration.ofMillis(piece.equals("!") ? 199 : 200));
      }
      assertThat(client.quiet()).as("open a millisecond before the header timeout").isTrue();
      clock.forward(Duration.ofMillis(1));
      assertThat(client.closedByPeer()).as("closed at the header timeout from the answer, with nothing sent").isTrue();
    }
  }

  @Test
  void anIdempotentRequestWithABodyOverTheRetryLimitIsNotReplayed() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    proxy = new ProxyFixture(List.of(backends.raw(taken, (head, out) -> {}), backends.raw(second, (head, out) -> {})),
        s -> new ProxySettings(s.host(), s.port(), s.eventLoops(), s.maxHeaderBytes(), s.maxBodyBytes(), 8, s.headerTimeout(), s.idleTimeout(),
            s.connectTimeout(), s.responseTimeout(), s.connectionsPerReplica(), s.admin()));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\nmore-than-eight!").read();

      assertThat(response.status()).isEqualTo(503);
      assertThat(second).hasValue(0);
    }
  }

  @Test
  void optionsForTheWholeServerReachesTheReplicaAsAnAsteriskAndAnAbsoluteTargetInOriginForm() throws IOException {
    List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> hosts = new CopyOnWriteArrayList<>();
    InetSocketAddress recording = backends.raw(new AtomicInteger(), (head, out) -> {
      heads.add(head.lines().findFirst().orElse(""));
      hosts.add(head.lines().filter(line -> line.regionMatches(true, 0, "host:", 0, 5) || line.regionMatches(true, 0, "x-forwarded-host:", 0, 17))
          .map(line -> line.toLowerCase(Locale.ROOT)).sorted().toList().toString());
      // it closes each connection after its answer, and says so: else the second request could find the first's connection
      // kept and closed under it
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
    proxy = new ProxyFixture(List.of(recording));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      assertThat(client.send("GET http://other.example:8080/home?k=1 HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET http:///home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).as("an absolute target naming no host").isEqualTo(400);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET http://:8080/home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).as("a port without a host").isEqualTo(400);
    }
    assertThat(heads).containsExactly("OPTIONS * HTTP/1.1", "GET /home?k=1 HTTP/1.1");
    assertThat(hosts.get(1)).as("the target's host, which an origin takes over Host (RFC 9112, 3.2.2), as nginx does")
        .isEqualTo("[host: other.example:8080, x-forwarded-host: other.example:8080]");
  }

  @Test
  void aReplicaThatBreaksOffMidAnswerClosesTheClientsConnection() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress breaksOff = backends.raw(taken, (head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
    proxy = new ProxyFixture(List.of(breaksOff, echo("R1")));
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      RawClient.Response truncated = readAllowingTruncation(client);
      assertThat(truncated.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(client.closedByPeer()).isTrue();
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.FAILED));
      assertThat(taken).hasValue(1);
    }
  }

  private static RawClient.Response readAllowingTruncation(RawClient client) throws IOException {
    try {
      return client.read();
    } catch (IOException | RuntimeException truncated) {
      return new RawClient.Response("HTTP/1.1 200 (truncated)", Map.of(), "", Map.of());
    }
  }

  @Test
  void anEmptyRingOrNoAnsweringReplicaGets503InTheApisShape() throws IOException {
    proxy = new ProxyFixture(List.of());
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"message\":\"<Error> No replica is in the ring\",\"status\":\"failure\"}");
      assertThat(proxy.events).as("counted as the plane's own answer").containsExactly("answered-itself 503");
    }
    proxy.close();
    proxy = new ProxyFixture(List.of(Backends.refusing(), Backends.refusing()));
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body()).contains("tried R0, R1");
      assertThat(proxy.reports).extracting(ProxyFixture.Report::replica).containsExactly("R0", "R1");
    }
  }

  @Test
  void aReplicaSilentPastTheResponseTimeoutIsReportedAsTimedOutAndTheNextAnswers() throws Exception {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress silent = backends.raw(taken, (head, out) -> held.await());
    proxy = onTheFakeClock(List.of(silent, echo("R1")), responseTimeout(Duration.ofMillis(300)));
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      // once the loop has set the replica's silence counting from the request, not just sent it
      proxy.forwardOnceDone(clock, () -> taken.get() == 1, Duration.ofMillis(299));
      assertThat(proxy.reports).as("silent a millisecond short of the response timeout").isEmpty();
      clock.forward(Duration.ofMillis(1));

      assertThat(client.read().body()).isEqualTo("Hello from R1");
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.TIMED_OUT));
    }
  }

  @Test
  void aReplicaThatNeverTakesTheConnectionIsPassedOverAtTheConnectTimeout() throws Exception {
    Duration connectTimeout = Duration.ofSeconds(5); // longer than the test runs: only the fake clock reaches it
    proxy = onTheFakeClock(List.of(backends.neverAccepting(), echo("R1")), s -> ProxyFixture.oneLoop(ProxyFixture.connectTimeout(s, connectTimeout)));
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      // routed, and the connection begun with its deadline, in one task of the loop: over once the loop has settled
      proxy.forwardOnceDone(clock, () -> proxy.router.loads().of("R0") == 1, connectTimeout.minusMillis(1));
      assertThat(proxy.reports).as("still connecting a millisecond before the timeout").isEmpty();
      clock.forward(Duration.ofMillis(1));

      assertThat(client.read().body()).isEqualTo("Hello from R1");
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.TIMED_OUT));
    }
  }

  @Test
  void aConnectionReusedFromThePoolGivesTheReplicaItsWholeResponseTimeout() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    proxy = onTheFakeClock(List.of(answersFirstAtOnce(asked, "slow")), responseTimeout(Duration.ofMillis(1_000)));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("slow");
      clock.forward(Duration.ofMillis(800)); // the pooled connection has been silent most of the timeout when the next request takes it

      client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      // the timeout is long past counted from the connection's last read, not from the request
      proxy.forwardOnceDone(clock, () -> asked.get() == 2, Duration.ofMillis(999));
      held.countDown();

      RawClient.Response again = client.read();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).isEqualTo("slow");
      assertThat(proxy.reports).isEmpty();
    }
  }

  @Test
  void aPooledConnectionsResponseTimeoutCountsFromTheRequestNotFromALaterTick() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    // answers the connection's first request, then nothing until the test ends
    proxy = onTheFakeClock(List.of(answersFirstAtOnce(asked, "first"), echo("R1")), responseTimeout(Duration.ofMillis(1_500)));
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("first");
      clock.forward(Duration.ofMillis(200)); // the pooled connection's last read lies a little in the past when the next request takes it

      client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
      // the check set when the connection was made finds it busy 1.3 s after the request, and looks again when the timeout is up
      proxy.forwardOnceDone(clock, () -> asked.get() == 2, Duration.ofMillis(1_499));
      assertThat(proxy.reports).as("a millisecond short of the response timeout, counted from the request").isEmpty();
      clock.forward(Duration.ofMillis(1));

      assertThat(client.read().body()).isEqualTo("Hello from R1");
      assertThat(proxy.reports).containsExactly(new ProxyFixture.Report("R0", Outcome.TIMED_OUT));
    }
  }

  @Test
  void aReplicaThatLeavesTheRingWithConnectionsInThePoolDoesNotStopTheNextRequest() throws Exception {
    proxy = new ProxyFixture(List.of(echo("R0"), echo("R1")), ProxyFixture::oneLoop);
    try (RawClient first = new RawClient(proxy.port()); RawClient second = new RawClient(proxy.port())) {
      // two requests at once leave two kept-alive connections to R0 in the pool
      first.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n");
      second.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n");
      assertThat(first.read().body()).isEqualTo("Hello from R0");
      assertThat(second.read().body()).isEqualTo("Hello from R0");

      proxy.router.update(ring -> ring.without("R0")); // as the fleet does when R0 dies

      RawClient.Response next = first.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n").read();
      assertThat(next.body()).as("the request that finds R0 gone closes its pool and goes on").isEqualTo("Hello from R1");
    }
  }

  @Test
  void aRequestWaitingForAConnectionToAReplicaThatLeftTheRingGoesToTheNext() throws Exception {
    AtomicInteger taken = new AtomicInteger();
    InetSocketAddress busy = backends.raw(taken, (head, out) -> held.await()); // its one connection stays taken to the end
    // on the fake clock, which stays put: the wait for R0's connection never times out, only R0's leaving can end it
    proxy = onTheFakeClock(List.of(busy, echo("R1")), s -> ProxyFixture.oneLoop(ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(),
        s.headerTimeout(), s.idleTimeout(), 1, s.responseTimeout())));
    try (RawClient holding = new RawClient(proxy.port()); RawClient waiting = new RawClient(proxy.port()); RawClient later = new RawClient(proxy.port())) {
      holding.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n"); // R0's only connection
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 1);
      waiting.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n"); // waits for it
      // counted on R0 and put to wait in its pool in one turn of the loop; the ring below reaches the loop after that turn
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.router.loads().of("R0") == 2);

      proxy.router.update(ring -> ring.without("R0"));
      RawClient.Response afterwards = later.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n").read();

      assertThat(afterwards.body()).isEqualTo("Hello from R1");
      assertThat(waiting.read().body()).as("the waiting request, failed by R0's closing pool, went on to R1").isEqualTo("Hello from R1");
    }
  }

  @Test
  void anAdminCallSlowerThanTheResponseTimeoutIsStillAnswered() throws Exception {
    AtomicInteger taken = new AtomicInteger();
    // an /add waits for its replicas to start: longer than a replica may stay silent
    InetSocketAddress admin = backends.raw(taken, (head, out) -> {
      held.await();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nadded".getBytes(StandardCharsets.US_ASCII));
    });
    proxy = onTheFakeClock(List.of(echo("R0")), s -> new ProxySettings(s.host(), s.port(), s.eventLoops(), s.maxHeaderBytes(), s.maxBodyBytes(),
        s.retryBodyBytes(), s.headerTimeout(), s.idleTimeout(), s.connectTimeout(), Duration.ofMillis(300), s.connectionsPerReplica(),
        Optional.of(new Replica("admin", 0, admin.getHostString(), admin.getPort()))));
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n{\"n\": 1}");
      proxy.forwardOnceDone(clock, () -> taken.get() == 1, Duration.ofMillis(1_200));
      held.countDown();

      RawClient.Response added = client.read();
      assertThat(added.status()).isEqualTo(200);
      assertThat(added.body()).isEqualTo("added");
    }
  }
}
