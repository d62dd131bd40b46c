package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 by prior knowledge on the data plane's cleartext port, beside HTTP/1.1, from Netty's own h2c client. */
class Http2Test {

  private final Backends backends = new Backends();
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  /** A replica that names itself, and echoes what it was sent on {@code /echo}. */
  private InetSocketAddress replica(String name) {
    HttpHandler echo = exchange -> {
      StringBuilder seen = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getProtocol() + "\n");
      exchange.getRequestHeaders().forEach((header, values) -> seen.append(header.toLowerCase()).append('=').append(String.join("|", values)).append('\n'));
      seen.append("body=").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = seen.toString().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    return backends.http(Map.of("/echo", echo, "/home", exchange -> {
      byte[] body = ("Hello from " + name).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }));
  }

  private static FullHttpRequest get(String uri, long key) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    request.headers().set(HttpHeaderNames.HOST, "lb.example").set("X-Key", key);
    return request;
  }

  @Test
  void eachStreamOfOneConnectionGoesWhereItsOwnKeyHashes() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0"), replica("R1"), replica("R2")));
    try (H2cClient client = new H2cClient(proxy.port())) {
      List<CompletableFuture<H2cClient.Answer>> answers = new ArrayList<>();
      for (int key = 0; key < 30; key++) {
        answers.add(client.send(get("/home", key)));
      }
      for (int key = 0; key < 30; key++) {
        H2cClient.Answer answer = answers.get(key).get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).as("stream of key %d", key).isEqualTo("Hello from R" + key % 3);
      }
      assertThat(client.isOpen()).isTrue();
    }
  }

  @Test
  void aBodyGoesToTheReplicaAsAnHttp11RequestWithTheForwardingHeaders() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (H2cClient client = new H2cClient(proxy.port())) {
      FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo?x=1",
          Unpooled.copiedBuffer("over h2", StandardCharsets.UTF_8));
      post.headers().set(HttpHeaderNames.HOST, "lb.example").setInt(HttpHeaderNames.CONTENT_LENGTH, 7);

      H2cClient.Answer answer = client.send(post).get(10, TimeUnit.SECONDS);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).startsWith("POST /echo?x=1 HTTP/1.1\n").contains("x-forwarded-host=lb.example\n").contains("x-forwarded-for=127.0.0.1\n")
          .endsWith("body=over h2");
      assertThat(answer.body()).as("Netty's own conversion headers stay in the balancer").doesNotContain("x-http2-");
    }
  }

  @Test
  void aRequestNoReplicaCanTakeIsTheApisJson503OnItsStreamAndTheConnectionGoesOn() throws Exception {
    proxy = new ProxyFixture(List.of());
    try (H2cClient client = new H2cClient(proxy.port())) {
      H2cClient.Answer first = client.send(get("/home", 0)).get(10, TimeUnit.SECONDS);
      H2cClient.Answer second = client.send(get("/home", 1)).get(10, TimeUnit.SECONDS);

      assertThat(first.status()).isEqualTo(503);
      assertThat(first.body()).isEqualTo("{\"message\":\"<Error> No replica is in the ring\",\"status\":\"failure\"}");
      assertThat(first.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
      assertThat(second.status()).isEqualTo(503);
      assertThat(client.isOpen()).isTrue();
    }
  }

  @Test
  void http11KeepsWorkingOnTheSamePort() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (RawClient http1 = new RawClient(proxy.port()); H2cClient h2 = new H2cClient(proxy.port())) {
      assertThat(h2.send(get("/home", 0)).get(10, TimeUnit.SECONDS).body()).isEqualTo("Hello from R0");
      RawClient.Response response = http1.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("Hello from R0");
    }
  }

  @Test
  void aRequestLineThatBeginsLikeThePrefaceIsStillHttp11() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (RawClient http1 = new RawClient(proxy.port())) {
      RawClient.Response response = http1.send("PRIORITY /home HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("Hello from R0");
    }
  }

  @Test
  void theAccessLogNamesTheProtocolTheClientSpoke() throws Exception {
    List<AccessLogEntry> logged = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog() {
      @Override
      public void log(AccessLogEntry entry) {
        logged.add(entry);
      }

      @Override
      public void close() {}
    };
    proxy = new ProxyFixture(List.of(replica("R0")), settings -> settings, 0, log);
    try (H2cClient client = new H2cClient(proxy.port())) {
      assertThat(client.send(get("/home?k=1", 0)).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    assertThat(logged).singleElement().satisfies(entry -> {
      assertThat(entry.protocol()).isEqualTo("HTTP/2.0");
      assertThat(entry.method()).isEqualTo("GET");
      assertThat(entry.target()).isEqualTo("/home?k=1");
      assertThat(entry.status()).isEqualTo(200);
      assertThat(entry.replica()).isEqualTo("R0");
    });
  }
}
