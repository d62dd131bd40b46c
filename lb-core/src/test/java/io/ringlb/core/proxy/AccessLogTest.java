package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import io.ringlb.core.ExerciseRules;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log of the real data plane over real HTTP replicas: a line per request, written by the log's own thread. */
class AccessLogTest {

  /** A whole line, and its parts: client, request line, status, body bytes, replica, milliseconds. */
  private static final Pattern LINE = Pattern.compile(
      "(\\S+) - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}\\.\\d{3} [+-]\\d{4}] \"([^\"]*)\" (\\d{3}) (\\d+) (\\S+) (\\d+\\.\\d{3})ms");

  record Line(String client, String request, int status, long bytes, String replica, double millis) {
    static Line parse(String text) {
      Matcher matcher = LINE.matcher(text);
      assertThat(matcher.matches()).as("a well-formed line: %s", text).isTrue();
      return new Line(matcher.group(1), matcher.group(2), Integer.parseInt(matcher.group(3)), Long.parseLong(matcher.group(4)), matcher.group(5),
          Double.parseDouble(matcher.group(6)));
    }

    /** What the test can know beforehand: the rest is checked by the pattern. */
    String seen() {
      return client + " \"" + request + "\" " + status + " " + bytes + " " + replica;
    }
  }

  private final Backends backends = new Backends();
  private ProxyFixture proxy;

  @TempDir
  Path directory;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  private InetSocketAddress replica(String name) {
    HttpHandler home = exchange -> {
      byte[] body = ("Hello from " + name).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    HttpHandler echo = exchange -> {
      byte[] body = (name + " took " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(201, 0); // chunked: the bytes are counted as they pass
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    return backends.http(Map.of("/home", home, "/echo", echo));
  }

  private Path logged(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune) {
    return logged(replicas, tune, EngineClock.system());
  }

  /** A data plane on {@code clock} whose lines go to a file; the log's own writer flushes on real time. */
  private Path logged(List<InetSocketAddress> replicas, UnaryOperator<ProxySettings> tune, EngineClock clock) {
    Path file = directory.resolve("access.log");
    proxy = new ProxyFixture(replicas, tune, 0, AccessLogWriter.start(new AccessLogTarget.File(file), EngineClock.system()), clock, ExerciseRules.rules());
    return file;
  }

  private static List<Line> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(Line::parse).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyForwardedRequestIsOneLineWithItsMethodTargetStatusBytesAndReplica() throws IOException {
    Path file = logged(List.of(replica("R0"), replica("R1"), replica("R2")), UnaryOperator.identity());
    int requests = 30;
    List<String> expected = new ArrayList<>();
    try (RawClient client = new RawClient(proxy.port())) {
      for (int i = 0; i < requests; i++) {
        String replica = "R" + (i % 3);
        RawClient.Response response = i % 3 == 2
            ? client.send("POST /echo?i=" + i + " HTTP/1.1\r\nHost: x\r\nX-Key: " + i + "\r\nContent-Length: 2\r\n\r\nhi").read()
            : client.send("GET /home?x=" + i + " HTTP/1.1\r\nHost: x\r\nX-Key: " + i + "\r\n\r\n").read();
        String request = i % 3 == 2 ? "POST /echo?i=" + i + " HTTP/1.1" : "GET /home?x=" + i + " HTTP/1.1";
        expected.add("127.0.0.1 \"" + request + "\" " + response.status() + " " + response.body().getBytes(StandardCharsets.UTF_8).length + " " + replica);
      }
    }

    // written by the log's thread within its flush interval, the data plane still running
    await().atMost(Duration.ofSeconds(5)).until(() -> lines(file).size() >= requests);
    proxy.close();
    proxy = null;

    List<Line> lines = lines(file);
    assertThat(lines).extracting(Line::seen).containsExactlyElementsOf(expected);
    assertThat(expected).as("both kinds of answer were asked for")
        .anyMatch(line -> line.endsWith("\" 200 13 R0"))
        .anyMatch(line -> line.endsWith("\" 201 10 R2"));
    assertThat(lines).allSatisfy(line -> assertThat(line.millis()).isGreaterThanOrEqualTo(0).isLessThan(10_000));
  }

  @Test
  void theDataPlanesOwnAnswersAreLoggedWithTheStatusTheClientGot() throws IOException {
    FakeClock clock = new FakeClock();
    Duration headerTimeout = Duration.ofMillis(500);
    Path file = logged(List.of(replica("R0")), s -> ProxyFixture.with(s, 2_048, 1_000, headerTimeout, s.idleTimeout(),
        s.connectionsPerReplica(), s.responseTimeout()), clock);
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /missing?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(400);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n").read().status()).isEqualTo(413);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      String chunk = Integer.toHexString(800) + "\r\n" + "b".repeat(800) + "\r\n";
      assertThat(client.send("POST /home?chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n").read().status())
          .isEqualTo(413);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4_000) + "\r\n\r\n").read().status()).isEqualTo(431);
    }
    try (RawClient client = new RawClient(proxy.port())) {
      client.send("GET /home HTTP/1.1\r\nHost: x\r\n"); // headers never finished
      proxy.forwardOnceDone(clock, () -> clock.dueIn(headerTimeout), headerTimeout);
      assertThat(client.read().status()).isEqualTo(408);
    }
    List<String> events = proxy.events;
    proxy.close();
    proxy = null;

    List<Line> lines = lines(file);
    assertThat(lines).extracting(Line::request, Line::status, Line::replica).containsExactly(
        tuple("GET /missing?q=1 HTTP/1.1", 400, "R0"), // the replica's 404, as the client got it
        tuple("POST /home HTTP/1.1", 413, "-"), // refused on its head: no replica tried
        tuple("POST /home?chunked HTTP/1.1", 413, "R0"), // refused midway through a body that was going to R0
        tuple("-", 431, "-"),
        tuple("-", 408, "-"));
    assertThat(lines).allSatisfy(line -> assertThat(line.bytes()).as("the JSON error's body").isPositive());
    assertThat(lines.get(4).millis()).as("the header timeout, on the plane's clock").isEqualTo(500);
    assertThat(events).as("counted as the plane's own, the replica's rewritten 404 not")
        .filteredOn(event -> event.startsWith("answered-itself")).containsExactly("answered-itself 413", "answered-itself 413", "answered-itself 431", "answered-itself 408");
  }

  @Test
  void aRequestNoReplicaCouldTakeIsLoggedAs503WithTheReplicasTried() throws IOException {
    Path file = logged(List.of(Backends.refusing(), Backends.refusing()), UnaryOperator.identity());
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(503);
    }
    proxy.close();
    proxy = null;

    assertThat(lines(file)).extracting(Line::seen).singleElement().asString().startsWith("127.0.0.1 \"GET /home HTTP/1.1\" 503 ")
        .as("both, in the order tried, as nginx's $upstream_addr").matches(".* (R0,R1|R1,R0)");
  }

  @Test
  void aRequestSentAgainOnANewConnectionNamesItsReplicaTwice() throws IOException {
    AtomicInteger taken = new AtomicInteger();
    Path file = logged(List.of(backends.answersOncePerConnection(taken, new CountDownLatch(0))), UnaryOperator.identity());
    try (RawClient client = new RawClient(proxy.port())) {
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      // the replica closes the kept connection under the next request, which goes again on a new one
      assertThat(client.send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    }
    proxy.close();
    proxy = null;

    assertThat(lines(file)).extracting(Line::status, Line::replica).containsExactly(tuple(200, "R0"), tuple(200, "R0,R0"));
  }

  @Test
  void aClientThatLeavesBeforeTheAnswerIsLoggedAs499AsNginxDoes() throws Exception {
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch answer = new CountDownLatch(1);
    Path file = logged(List.of(backends.raw(taken, (head, out) -> answer.await())), UnaryOperator.identity());
    try {
      try (RawClient client = new RawClient(proxy.port())) {
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> taken.get() == 1);
      }

      await().atMost(Duration.ofSeconds(5)).until(() -> lines(file).size() == 1);
      assertThat(lines(file)).extracting(Line::seen).as("the replica it was sent to").containsExactly("127.0.0.1 \"GET /slow HTTP/1.1\" 499 0 R0");
    } finally {
      answer.countDown();
    }
  }
}
