package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests two HTTP parsers could frame differently (RFC 9112 sections 3.2, 6.3 and 7.1), each
 * refused with a 400 in the API's shape and the connection closed, as HAProxy and nginx refuse
 * them. Each carries a second request where a lenient parser would find one: it must never reach
 * a replica, and the data plane goes on serving.
 */
class SmugglingTest {

  private static final String HIDDEN = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final Backends BACKENDS = new Backends();
  private static final List<String> REACHED = new CopyOnWriteArrayList<>();
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    proxy = new ProxyFixture(List.of(BACKENDS.http(Map.of(
        "/home", exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          REACHED.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body.length);
          byte[] answer = ("home " + body.length).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        },
        "/smuggled", exchange -> {
          REACHED.add("smuggled");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        }))));
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    BACKENDS.close();
  }

  @BeforeEach
  void forget() {
    REACHED.clear();
  }

  /** Sends {@code request}, asserts the one answer is a 400 naming {@code problem} and the connection closed after it. */
  private static void refused(String request, String problem) throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      RawClient.Response response = client.send(request).read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers()).containsEntry("content-type", "application/json").containsEntry("connection", "close");
      assertThat(response.body()).startsWith("{\"message\":\"<Error> Malformed ").contains(problem).endsWith("\"status\":\"failure\"}");
      assertThat(client.closedByPeer()).as("the connection closes after the 400").isTrue();
    }
    assertThat(REACHED).as("what reached the replica").isEmpty();
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("home 0");
    }
  }

  @Test
  void aTransferEncodingThatIsNotChunkedCannotHideARequestInItsBody() throws IOException {
    // Netty 4.1 alone read xchunked as no coding, forwarded the request without a body and took the body for the next request;
    // Netty 4.2's decoder refuses a final coding other than chunked itself, in its own words
    String body = "0\r\n\r\n" + HIDDEN;
    refused("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + body, "The final transfer coding must be chunked");
  }

  @Test
  void aTransferEncodingThatIsNotChunkedIsRefusedBesideAContentLengthToo() throws IOException {
    String body = HIDDEN;
    refused("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\nTransfer-Encoding: identity\r\n\r\n" + body,
        "The final transfer coding must be chunked");
  }

  @Test
  void chunkedNamedTwiceIsRefused() throws IOException {
    refused("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + HIDDEN,
        "chunked transfer coding must not be applied more than once");
  }

  @Test
  void anEmptyTransferCodingIsRefused() throws IOException {
    refused("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding must be chunked alone");
  }

  @Test
  void aCodingBeforeChunkedIsRefusedAsNginxRefusesIt() throws IOException {
    refused("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
        "Transfer-Encoding must be chunked alone, was: gzip, chunked");
  }

  @Test
  void twoHostHeadersAreRefused() throws IOException {
    refused("GET /home HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", "more than one Host header");
  }

  @Test
  void anHttp11RequestWithoutHostIsRefused() throws IOException {
    refused("GET /home HTTP/1.1\r\nX-Key: 0\r\n\r\n", "an HTTP/1.1 request without a Host header");
  }

  @Test
  void aControlCharacterInTheRequestTargetIsRefused() throws IOException {
    // a replica's parser may end the target at a NUL, or drop the character, where the balancer routed the whole of it
    for (String target : List.of("/home\u0000/x", "/home\u0001", "/home\u007f", "/home?a=\u001b")) {
      forget(); // refused() asks once more, well formed, after each
      refused("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", "a request target with a control character");
    }
  }

  @Test
  void aRequestTargetInNoFormARequestTakesIsRefused() throws IOException {
    // the balancer would route "/home" for "home", and a replica may read it otherwise; "*" is OPTIONS' alone
    for (String request : List.of("GET home HTTP/1.1", "GET * HTTP/1.1", "GET ftp://x/home HTTP/1.1", "POST ?x=1 HTTP/1.1")) {
      forget();
      refused(request + "\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "a request target in none of the forms");
    }
  }

  @Test
  void aRequestTargetWithAFragmentIsRefused() throws IOException {
    // routed on "/home#x", a key of its own, and read by a replica as "/home" or refused
    for (String target : List.of("/home#x", "/home?a=1#x", "http://x/home#x", "/#")) {
      forget();
      refused("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", "a request target with a fragment (#)");
    }
  }

  @Test
  void aHostThatIsNotAHostAndPortIsRefused() throws IOException {
    for (String host : List.of("a b", "x/home", "user@x", "x?y", "x#y")) {
      forget();
      refused("GET /home HTTP/1.1\r\nHost: " + host + "\r\n\r\n", "a Host header that is not a host and port");
    }
  }

  @Test
  void whitespaceBeforeTheFirstChunkSizeIsRefused() throws IOException {
    refused("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n" + HIDDEN,
        "whitespace before a chunk size");
  }

  @Test
  void whitespaceBeforeALaterChunkSizeIsRefusedWhateverHasBeenForwarded() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      RawClient.Response response = client.send("\t3\r\nabc\r\n0\r\n\r\n" + HIDDEN).read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("whitespace before a chunk size");
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(REACHED).as("a replica that had the first chunk has the request cut, not completed").isEmpty();
  }

  @Test
  void wellFramedRequestsStillPassEveryWay() throws IOException {
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")
          .read().body()).isEqualTo("home 8");
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked \r\n\r\n2\r\nab\r\n0\r\n\r\n").read().body())
          .as("a coding's name is case-insensitive, and whitespace around it optional").isEqualTo("home 2");
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody").read().body()).isEqualTo("home 4");
      assertThat(client.send("GET /home HTTP/1.1\r\nHost:\r\n\r\n").read().body()).as("an empty Host is one Host").isEqualTo("home 0");
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: lb.example:8080\r\n\r\n").read().body()).isEqualTo("home 0");
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: [::1]:5000\r\n\r\n").read().body()).as("an IP literal").isEqualTo("home 0");
    }
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.0\r\n\r\n").read().body()).as("HTTP/1.0 needs no Host").isEqualTo("home 0");
    }
    assertThat(REACHED).containsExactly("POST /home 8", "POST /home 2", "POST /home 4", "GET /home 0", "GET /home 0", "GET /home 0", "GET /home 0");
  }
}
