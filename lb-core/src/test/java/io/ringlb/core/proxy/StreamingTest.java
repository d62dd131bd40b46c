package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies stream through the data plane as they are written, both ways. This test's JVM runs with
 * a 256 MiB heap (see the pom), so a gibibyte in either direction passes only if nothing holds it.
 */
class StreamingTest {

  private static final long GIB = 1L << 30;
  private static final Backends BACKENDS = new Backends();
  private static ProxyFixture proxy;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** Counted down once the client has the event stream's first event: the replica holds the rest of the stream until then. */
  private static final CountDownLatch FIRST_EVENT_READ = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    Map<String, HttpHandler> handlers = Map.of(
        "/events", exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0); // chunked
          try (OutputStream out = exchange.getResponseBody()) {
            out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
              FIRST_EVENT_READ.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
          }
        },
        "/download", exchange -> {
          exchange.sendResponseHeaders(200, GIB);
          byte[] block = new byte[65_536];
          try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < GIB; sent += block.length) {
              out.write(block);
            }
          }
        },
        "/upload", exchange -> {
          long received = 0;
          byte[] block = new byte[65_536];
          try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(block)) >= 0; ) {
              received += n;
            }
          }
          byte[] answer = Long.toString(received).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    proxy = new ProxyFixture(List.of(BACKENDS.http(handlers)));
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    BACKENDS.close();
  }

  @Test
  void anEventStreamsFirstEventArrivesAsTheReplicaWritesIt() throws Exception {
    CLIENT.send(HttpRequest.newBuilder(proxy.base.resolve("/nothing")).build(), HttpResponse.BodyHandlers.discarding()); // warm

    // the replica writes the rest only once the first event is read: a balancer that held the head or the event back until
    // the stream ended would deliver neither within these bounds, each well short of the replica's own wait
    HttpResponse<InputStream> response = CLIENT.sendAsync(HttpRequest.newBuilder(proxy.base.resolve("/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
    try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String first = CompletableFuture.supplyAsync(() -> readLine(events)).get(10, TimeUnit.SECONDS);
      assertThat(first).isEqualTo("data: first");
      FIRST_EVENT_READ.countDown();
      assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(events.readLine()).isEmpty();
      assertThat(events.readLine()).isEqualTo("data: second");
    }
  }

  @Test
  void aGibibyteDownloadStreamsThroughASmallHeap() throws Exception {
    HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(proxy.base.resolve("/download")).build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(GIB);
    long received = 0;
    byte[] block = new byte[65_536];
    try (InputStream in = response.body()) {
      for (int n; (n = in.read(block)) >= 0; ) {
        received += n;
      }
    }
    assertThat(received).isEqualTo(GIB);
  }

  @Test
  void aGibibyteChunkedUploadStreamsThroughASmallHeap() throws Exception {
    HttpRequest upload = HttpRequest.newBuilder(proxy.base.resolve("/upload"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(GIB))) // no length: sent chunked
        .build();

    HttpResponse<String> response = CLIENT.send(upload, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Long.toString(GIB));
  }

  @Test
  void anUploadThatExpects100ContinueGetsItFromTheReplica() throws Exception {
    HttpRequest upload = HttpRequest.newBuilder(proxy.base.resolve("/upload")).expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build();

    HttpResponse<String> response = CLIENT.send(upload, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("100000");
  }

  /** {@code size} zero bytes, made as they are read. */
  private static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      return left-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
