package io.ringlb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server that answers as the balancer's API does and records what it was sent. */
class RinglbClientTest {

  /** What the server was sent: method, path, Authorization and body, one line each call. */
  private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
  private HttpServer server;
  private URI at;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
      switch (exchange.getRequestURI().getPath()) {
        case "/rep", "/add" -> answer(exchange, 200, "{\"message\":{\"N\":2,\"replicas\":[\"S1\",\"S2\"]},\"status\":\"successful\"}");
        case "/health/ready" -> answer(exchange, 200, "{\"status\":\"UP\",\"checks\":[{\"name\":\"ring\",\"status\":\"UP\",\"data\":{\"inRing\":2}}]}");
        default -> answer(exchange, 400, "{\"message\":\"<Error> no\",\"status\":\"failure\"}");
      }
    });
    server.start();
    at = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void everyCallCarriesTheAdminToken() throws InterruptedException {
    try (RinglbClient client = new RinglbClient(at, at, "s3cret", Duration.ofSeconds(5))) {
      assertThat(client.add(1, List.of("S2"), Map.of()).statusCode()).isEqualTo(200);
      assertThat(calls.take()).startsWith("POST /add Bearer s3cret {").contains("\"hostnames\":[\"S2\"]").contains("\"n\":1");
      client.remove(1, List.of("S2"));
      assertThat(calls.take()).startsWith("DELETE /rm Bearer s3cret {");
    }
  }

  @Test
  void anOpenApiGetsNoToken() throws InterruptedException {
    try (RinglbClient client = new RinglbClient(at, at, "", Duration.ofSeconds(5))) {
      assertThat(client.replicas()).containsExactly("S1", "S2");
      assertThat(calls.take()).isEqualTo("GET /rep null ");
    }
  }

  @Test
  void readinessIsReadOnTheAdminPort() throws InterruptedException {
    URI nothing = URI.create("http://127.0.0.1:1");
    try (RinglbClient client = new RinglbClient(nothing, at, null, Duration.ofSeconds(5))) {
      assertThat(client.inRing()).contains(2);
      assertThat(calls.take()).startsWith("GET /health/ready ");
    }
  }

  @Test
  void aBalancerThatDoesNotAnswerIsNotReadyAndItsListFails() {
    URI nothing = URI.create("http://127.0.0.1:1");
    try (RinglbClient client = new RinglbClient(nothing, nothing, null, Duration.ofSeconds(5))) {
      assertThat(client.inRing()).isEmpty();
      assertThat(client.readiness()).isEmpty();
      assertThatThrownBy(client::replicas).isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void aFailedListSaysWhatTheBalancerAnswered() {
    server.removeContext("/");
    server.createContext("/", exchange -> answer(exchange, 401, "{\"message\":\"<Error> locked\",\"status\":\"failure\"}"));
    try (RinglbClient client = new RinglbClient(at, at, null, Duration.ofSeconds(5))) {
      assertThatThrownBy(client::replicas).hasMessageContaining("401").hasMessageContaining("locked");
    }
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
