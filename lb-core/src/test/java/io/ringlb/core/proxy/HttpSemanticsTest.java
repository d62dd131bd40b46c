package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.core.time.FakeClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.0, pipelining, {@code Connection: close} and HEAD through the data plane, as RFC 9112 has
 * them. The plane runs on a clock no one moves: an answer that only a timeout would bring never
 * comes, and the client's read fails, however busy the machine.
 */
class HttpSemanticsTest {

  private static final Backends BACKENDS = new Backends();
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    proxy = ProxyFixture.onClock(List.of(BACKENDS.http(Map.of(
        "/n", exchange -> {
          byte[] body = exchange.getRequestURI().getQuery().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
          if (!"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        },
        "/body", exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        },
        "/sized", exchange -> {
          exchange.getResponseHeaders().add("Content-Length", "42");
          exchange.sendResponseHeaders(200, -1); // a HEAD answer: the length of the body a GET would get
          exchange.close();
        },
        "/streamed", exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked from the replica
          exchange.getResponseBody().write("streamed body".getBytes(StandardCharsets.UTF_8));
          exchange.close();
        }))), UnaryOperator.identity(), new FakeClock());
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    BACKENDS.close();
  }

  @Test
  void connectIsNotServedAndTheConnectionClosesBeforeAnyTunnelBytesAreRead() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\nGET /n?hidden HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(501);
      assertThat(response.body()).contains("CONNECT is not served").contains("\"status\":\"failure\"");
      assertThat(client.closedByPeer()).as("what follows a CONNECT is the tunnel's, not a request").isTrue();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /n?1 HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\nGET /n?2 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /n?3 HTTP/1.1\r\nHost: x\r\n\r\nGET /n?4 HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(client.read().body()).isEqualTo("1");
      assertThat(client.read().body()).isEqualTo("2");
      assertThat(client.read(true).status()).isEqualTo(200);
      assertThat(client.read().body()).isEqualTo("4");
    }
  }

  @Test
  void aPipelinedRequestsBodyGoesOutOnTheConnectionTheRequestBeforeItFreed() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /n?first HTTP/1.1\r\nHost: x\r\n\r\nPOST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

      assertThat(client.read().body()).isEqualTo("first");
      assertThat(client.read().body()).as("answered, not left for the response timeout").isEqualTo("hello");
    }
  }

  @Test
  void connectionCloseIsHonouredAfterTheAnswer() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /n?bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();

      assertThat(response.body()).isEqualTo("bye");
      assertThat(response.headers()).containsEntry("connection", "close");
      assertThat(client.closedByPeer()).isTrue();
    }
  }

  @Test
  void anHttp10ClientGetsABodyItCanReadAndIsClosedUnlessItAskedForKeepAlive() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /streamed HTTP/1.0\r\n\r\n").read();

      assertThat(response.headers()).doesNotContainKey("transfer-encoding").containsEntry("connection", "close");
      assertThat(response.body()).isEqualTo("streamed body"); // delimited by the close
    }
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response first = client.send("GET /n?a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
      RawClient.Response second = client.send("GET /n?b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();

      assertThat(first.headers()).containsEntry("connection", "keep-alive");
      assertThat(List.of(first.body(), second.body())).containsExactly("a", "b");
    }
  }

  @Test
  void aHeadAnswerKeepsTheReplicasContentLength() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("HEAD /sized HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
      RawClient.Response next = client.send("GET /n?after HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(response.headers()).containsEntry("content-length", "42");
      assertThat(next.body()).isEqualTo("after");
    }
  }

  @Test
  void aChunkedAnswerReachesAnHttp11ClientChunked() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send("GET /streamed HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(response.headers()).containsEntry("transfer-encoding", "chunked");
      assertThat(response.body()).isEqualTo("streamed body");
    }
  }
}
