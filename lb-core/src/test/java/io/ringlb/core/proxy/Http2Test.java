package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.ringlb.core.time.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** A replica that names itself on {@code /home}, and echoes what it was sent on {@code /echo}. */
  private InetSocketAddress replica(String name) {
    return backends.http(Map.of("/echo", Backends.echo(), "/home", Backends.hello(name)));
  }

  /** A replica that answers {@code ok} to whatever it is asked, counting the requests in {@code arrived}. */
  private InetSocketAddress answeringOk(AtomicInteger arrived) {
    return backends.raw(arrived, (head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    });
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
  void theServerLetsAConnectionOpenAsManyStreamsAsConfigured() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")), s -> new ProxySettings(s.host(), s.port(), s.eventLoops(), s.maxHeaderBytes(), s.maxBodyBytes(),
        s.retryBodyBytes(), s.headerTimeout(), s.idleTimeout(), s.connectTimeout(), s.responseTimeout(), s.connectionsPerReplica(), s.admin(), 7));
    try (H2cClient client = new H2cClient(proxy.port())) {
      assertThat(client.send(get("/home", 0)).get(10, TimeUnit.SECONDS).status()).isEqualTo(200); // the SETTINGS have come by then

      assertThat(client.maxConcurrentStreams()).isEqualTo(7);
    }
  }

  @Test
  void curlSpeaksHttp2ByPriorKnowledgeToTheCleartextPort() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0"), replica("R1")));

    String answered = Curl.run("--http2-prior-knowledge", "-H", "X-Key: 1", "-w", " %{http_version} %{http_code}", "http://127.0.0.1:" + proxy.port() + "/home");

    assertThat(answered).isEqualTo("Hello from R1 2 200");
  }

  @Test
  void aReplicaThatSwitchesProtocolsUnaskedHasFailedAndTheNextAnswers() throws Exception {
    AtomicInteger switched = new AtomicInteger();
    InetSocketAddress switching = backends.raw(switched, (head, out) -> {
      out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: elsewhere\r\n\r\nnot http".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    });
    proxy = new ProxyFixture(List.of(switching, replica("R1")));
    try (H2cClient h2 = new H2cClient(proxy.port()); RawClient http1 = new RawClient(proxy.port())) {
      H2cClient.Answer overH2 = h2.send(get("/home", 0)).get(10, TimeUnit.SECONDS);
      RawClient.Response overH11 = http1.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n").read();

      assertThat(overH2.status()).as("HTTP/2 has no 101 to pass on").isEqualTo(200);
      assertThat(overH2.body()).isEqualTo("Hello from R1");
      assertThat(overH11.status()).isEqualTo(200);
      assertThat(overH11.body()).isEqualTo("Hello from R1");
      assertThat(switched).hasValue(2);
      assertThat(proxy.reports).extracting(ProxyFixture.Report::replica).containsExactly("R0", "R0");
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
    AccessLog log = recordingInto(logged);
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

  @Test
  void aHeaderListOverTheLimitIsRefused431OnItsStreamLoggedAndTheConnectionGoesOn() throws Exception {
    List<AccessLogEntry> logged = new CopyOnWriteArrayList<>();
    proxy = new ProxyFixture(List.of(replica("R0")), settings -> settings, 0, recordingInto(logged));
    int limit = ProxySettings.defaults(0).maxHeaderBytes();
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    byte[] big = headerBlock(hpack, homeHeaders().add("x-big", "a".repeat(limit + 1_000))); // over the limit, short of 1.25 times it
    try (Socket raw = new Socket("127.0.0.1", proxy.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0]));
      // more than a frame holds: HEADERS (END_STREAM), then CONTINUATION (END_HEADERS)
      out.write(frame(0x1, 0x1, 1, Arrays.copyOfRange(big, 0, big.length / 2)));
      out.write(frame(0x9, 0x4, 1, Arrays.copyOfRange(big, big.length / 2, big.length)));
      out.write(frame(0x1, 0x5, 3, headerBlock(hpack, homeHeaders())));

      DataInputStream in = new DataInputStream(raw.getInputStream());
      DefaultHttp2HeadersDecoder hpackIn = new DefaultHttp2HeadersDecoder(false);
      Map<Integer, Http2Headers> heads = new HashMap<>();
      ByteArrayOutputStream refusal = new ByteArrayOutputStream();
      for (boolean refusalEnded = false; !refusalEnded || !heads.containsKey(3); ) {
        ReadFrame frame = readFrame(in);
        if (frame.type() == 0x1) {
          heads.put(frame.stream(), hpackIn.decodeHeaders(frame.stream(), Unpooled.wrappedBuffer(frame.payload())));
        } else if (frame.type() == 0x0 && frame.stream() == 1) {
          refusal.writeBytes(frame.payload());
        }
        refusalEnded |= frame.stream() == 1 && frame.endsStream();
      }

      assertThat(heads.get(1).status()).hasToString("431");
      assertThat(heads.get(1).get("content-type")).as("in the API's shape, as over HTTP/1.1").hasToString("application/json");
      assertThat(refusal.toString(StandardCharsets.UTF_8))
          .isEqualTo("{\"message\":\"<Error> The request headers are larger than " + limit + " bytes\",\"status\":\"failure\"}");
      assertThat(heads.get(3).status()).as("the connection went on: its next stream was answered").hasToString("200");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> logged.size() == 2); // the 200's line once its body has been relayed
    assertThat(logged).extracting(AccessLogEntry::status, AccessLogEntry::method, AccessLogEntry::replica)
        .containsExactlyInAnyOrder(tuple(431, AccessLogEntry.UNREAD, AccessLogEntry.NO_REPLICA), tuple(200, "GET", "R0"));
    assertThat(proxy.events).as("counted, as HTTP/1.1's 431").containsExactlyInAnyOrder("answered-itself 431", "answered R0 200");
  }

  @Test
  void aHeaderListOverTheLimitFromAClientWithNoWindowForABodyIsRefused431WithItsHeadAlone() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    int limit = ProxySettings.defaults(0).maxHeaderBytes();
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    byte[] big = headerBlock(hpack, homeHeaders().add("x-big", "a".repeat(limit + 1_000)));
    try (Socket raw = new Socket("127.0.0.1", proxy.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[] {0, 0x4, 0, 0, 0, 0})); // SETTINGS_INITIAL_WINDOW_SIZE 0: no DATA until it says so
      out.write(frame(0x1, 0x1, 1, Arrays.copyOfRange(big, 0, big.length / 2)));
      out.write(frame(0x9, 0x4, 1, Arrays.copyOfRange(big, big.length / 2, big.length)));

      DataInputStream in = new DataInputStream(raw.getInputStream());
      ReadFrame frame;
      do {
        frame = readFrame(in);
        assertThat(frame.type() == 0x0 && frame.stream() == 1).as("no DATA beyond the client's window").isFalse();
      } while (frame.type() != 0x1);
      assertThat(new DefaultHttp2HeadersDecoder(false).decodeHeaders(1, Unpooled.wrappedBuffer(frame.payload())).status()).hasToString("431");
      assertThat(frame.endsStream()).as("the head alone ends the stream").isTrue();
    }
  }

  /**
   * The 431's body leaves with its head even when the connection's writes are backed up: behind a
   * download the client is not reading, the flow controller would have held the body, and the
   * stream's reset right after the answer would have dropped it.
   */
  @Test
  void aHeaderListOverTheLimitBehindADownloadTheClientIsNotReadingStillGetsItsBody() throws Exception {
    long size = 64L << 20; // more than every socket buffer between the replica and the client holds
    AtomicLong written = new AtomicLong();
    proxy = new ProxyFixture(List.of(backends.raw(new AtomicInteger(), (head, out) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[16 << 10];
      for (long sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
      out.flush();
    })));
    int limit = ProxySettings.defaults(0).maxHeaderBytes();
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    byte[] download = headerBlock(hpack, homeHeaders());
    byte[] big = headerBlock(hpack, homeHeaders().add("x-big", "a".repeat(limit + 1_000)));
    try (Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4 << 10);
      raw.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[] {0, 0x4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff})); // every stream's window as large as can be
      out.write(frame(0x8, 0, 0, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 65_535).array())); // and the connection's
      out.write(frame(0x1, 0x5, 1, download));
      // the client reads nothing: the balancer's writes to it back up until it stops reading the replica, whose writes then stop
      long[] lastLook = {-1};
      await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30)).until(() -> {
        long now = written.get();
        boolean stopped = now > 0 && now == lastLook[0];
        lastLook[0] = now;
        return stopped;
      });
      assertThat(written.get()).as("held back by the client").isLessThan(size);
      out.write(frame(0x1, 0x1, 3, Arrays.copyOfRange(big, 0, big.length / 2)));
      out.write(frame(0x9, 0x4, 3, Arrays.copyOfRange(big, big.length / 2, big.length)));

      DataInputStream in = new DataInputStream(raw.getInputStream());
      List<String> refusal = new ArrayList<>();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (boolean ended = false; !ended; ) {
        ReadFrame frame = readFrame(in);
        if (frame.stream() == 3) {
          refusal.add(switch (frame.type()) {
            case 0x0 -> "DATA";
            case 0x1 -> "HEADERS";
            case 0x3 -> "RST_STREAM";
            default -> "type " + frame.type();
          });
          if (frame.type() == 0x0) {
            body.writeBytes(frame.payload());
          }
          ended = frame.endsStream() || frame.type() == 0x3;
        }
      }

      assertThat(refusal).as("the head, then its body, which ends the stream").containsExactly("HEADERS", "DATA");
      assertThat(body.toString(StandardCharsets.UTF_8))
          .isEqualTo("{\"message\":\"<Error> The request headers are larger than " + limit + " bytes\",\"status\":\"failure\"}");
    }
  }

  /** A GET of {@code /home}, as HEADERS carry it. */
  private static Http2Headers homeHeaders() {
    return new DefaultHttp2Headers().method("GET").scheme("http").path("/home").authority("lb.example");
  }

  private static byte[] headerBlock(DefaultHttp2HeadersEncoder hpack, Http2Headers headers) throws Http2Exception {
    ByteBuf block = Unpooled.buffer();
    hpack.encodeHeaders(1, headers, block);
    return ByteBufUtil.getBytes(block);
  }

  /** Reads frames until {@code streams} streams have had their answer's head, and answers each one's {@code :status}. */
  private static Map<Integer, String> statusesOf(DataInputStream in, int streams) throws IOException, Http2Exception {
    DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
    Map<Integer, String> statuses = new HashMap<>();
    while (statuses.size() < streams) {
      ReadFrame frame = readFrame(in);
      if (frame.type() == 0x1) { // no padding or priority from this server
        statuses.put(frame.stream(), String.valueOf(hpack.decodeHeaders(frame.stream(), Unpooled.wrappedBuffer(frame.payload())).status()));
      }
    }
    return statuses;
  }

  /** A frame as the balancer sent it: its type, its flags, its stream and its payload. */
  private record ReadFrame(int type, int flags, int stream, byte[] payload) {

    boolean endsStream() {
      return (type == 0x0 || type == 0x1) && (flags & 0x1) != 0;
    }
  }

  /** The next frame on {@code in}, read whole. */
  private static ReadFrame readFrame(DataInputStream in) throws IOException {
    int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    return new ReadFrame(type, flags, stream, in.readNBytes(length));
  }

  @Test
  void aTenMebibyteUploadGoesThroughAndItsAnswerComesBack() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    byte[] upload = new byte[10 << 20];
    Arrays.fill(upload, (byte) 'x');
    try (H2cClient client = new H2cClient(proxy.port())) {
      FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo", Unpooled.wrappedBuffer(upload));
      post.headers().set(HttpHeaderNames.HOST, "lb.example").setInt(HttpHeaderNames.CONTENT_LENGTH, upload.length);

      H2cClient.Answer answer = client.send(post).get(60, TimeUnit.SECONDS);

      assertThat(answer.status()).isEqualTo(200);
      String echoed = answer.body().substring(answer.body().indexOf("body=") + "body=".length());
      assertThat(echoed).as("every byte of the upload reached the replica, and came back").hasSize(upload.length);
      assertThat(echoed.chars().allMatch(c -> c == 'x')).isTrue();
    }
  }

  @Test
  void aRapidResetEndsTheAbusiveConnectionAndEveryOtherClientIsServed() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (LoggedWarnings logged = LoggedWarnings.collect(); H2cClient abusive = new H2cClient(proxy.port()); H2cClient other = new H2cClient(proxy.port())) {
      for (int i = 0; i < 1_000 && abusive.isOpen(); i++) {
        abusive.sendAndReset(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !abusive.isOpen());
      assertThat(logged.warnings()).as("an abusive connection, ended, is no warning in the log: a flood of them would flood it").isEmpty();
      assertThat(proxy.events).as("counted instead").contains("client-connection-failed http2_enhance_your_calm");

      assertThat(other.send(get("/home", 0)).get(10, TimeUnit.SECONDS).body()).isEqualTo("Hello from R0");
      try (H2cClient later = new H2cClient(proxy.port())) {
        assertThat(later.send(get("/home", 0)).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void aContinuationFloodEndsTheAbusiveConnectionAndEveryOtherClientIsServed() throws Exception {
    // a request's headers that never end: HEADERS without END_HEADERS, then CONTINUATION after CONTINUATION, each a little header
    byte[] opening = frame(0x1, 0, 1, new byte[] {(byte) 0x82, (byte) 0x84, (byte) 0x86});
    byte[] little = {0x40, 0x03, 'x', '-', 'a', 0x01, 'b'};
    assertFloodEndsTheConnection(opening, frame(0x9, 0, 1, little), 100_000);
    assertThat(proxy.events).as("counted").contains("client-connection-failed http2_enhance_your_calm");
  }

  @Test
  void streamErrorsTheBalancerMustResetItselfEndTheAbusiveConnectionOnceTooMany() throws Exception {
    // MadeYouReset (CVE-2025-8671): each request followed by a frame its stream cannot take, a WINDOW_UPDATE of 0 (RFC 9113,
    // 6.9), which the balancer answers with a RST_STREAM of its own: no limit on the client's resets counts those
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int stream = 1; stream < 10_000; stream += 2) {
      requests.write(frame(0x1, 0x5, stream, headerBlock(hpack, homeHeaders())));
      requests.write(frame(0x8, 0, stream, new byte[4]));
    }
    assertFloodEndsTheConnection(requests.toByteArray(), new byte[0], 0);
    assertThat(proxy.events).as("counted").contains("client-connection-failed http2_enhance_your_calm");
  }

  @Test
  void headsTheDecoderRefusesEndTheAbusiveConnectionOnceTooMany() throws Exception {
    // each a reset the balancer must send itself, as MadeYouReset's are: counted by the same limit
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int stream = 1; stream < 10_000; stream += 2) {
      requests.write(frame(0x1, 0x5, stream, headerBlock(hpack, homeHeaders().add("connection", "keep-alive"))));
    }
    assertFloodEndsTheConnection(requests.toByteArray(), new byte[0], 0);
    assertThat(proxy.events).as("counted").contains("client-connection-failed http2_enhance_your_calm");
  }

  @Test
  void aFrameOutOfPlaceEndsTheConnectionWithAGoawayThatSaysWhy() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (LoggedWarnings logged = LoggedWarnings.collect(); Socket raw = new Socket("127.0.0.1", proxy.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0]));
      out.write(frame(0x0, 0, 0, new byte[] {'x'})); // DATA on stream 0: a connection error of type PROTOCOL_ERROR (RFC 9113, 6.1)

      DataInputStream in = new DataInputStream(raw.getInputStream());
      long goAwayCode = -1;
      while (goAwayCode < 0) {
        ReadFrame frame = readFrame(in);
        if (frame.type() == 0x7) {
          goAwayCode = ByteBuffer.wrap(frame.payload(), 4, 4).getInt() & 0xffffffffL; // after the last stream's identifier
        }
      }

      assertThat(goAwayCode).as("the GOAWAY's error code").isEqualTo(Http2Error.PROTOCOL_ERROR.code());
      assertThat(logged.warnings()).isEmpty();
    }
    assertThat(proxy.events).contains("client-connection-failed http2_protocol_error");
  }

  @Test
  void aPingFloodWhoseAcknowledgementsAreNeverReadEndsTheAbusiveConnection() throws Exception {
    assertFloodEndsTheConnection(new byte[0], frame(0x6, 0, 0, new byte[8]), 300_000);
  }

  @Test
  void aSettingsFloodWhoseAcknowledgementsAreNeverReadEndsTheAbusiveConnection() throws Exception {
    assertFloodEndsTheConnection(new byte[0], frame(0x4, 0, 0, new byte[0]), 300_000);
  }

  /**
   * Opens a connection that reads next to nothing (a receive buffer of 1 KiB), sends the preface,
   * {@code opening} and {@code times} copies of {@code flooding}, and asserts that the balancer
   * ended that connection while another client was served.
   */
  private void assertFloodEndsTheConnection(byte[] opening, byte[] flooding, int times) throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (LoggedWarnings logged = LoggedWarnings.collect(); Socket flood = new Socket(); H2cClient other = new H2cClient(proxy.port())) {
      flood.setReceiveBufferSize(1_024);
      flood.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
      flood.setSoTimeout(10_000);
      OutputStream out = flood.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS, none changed
      out.write(opening);
      ByteBuffer batch = ByteBuffer.allocate(flooding.length * 1_000);
      while (batch.hasRemaining()) {
        batch.put(flooding);
      }
      boolean ended = false;
      try {
        for (int i = 0; i < times / 1_000; i++) {
          out.write(batch.array());
        }
        out.flush();
      } catch (IOException closedByTheBalancer) {
        ended = true;
      }
      if (!ended) {
        InputStream in = flood.getInputStream();
        try {
          while (in.read() >= 0) {
            // what the balancer answered, until it closes; a balancer that kept it open would time this read out
          }
          ended = true;
        } catch (SocketException reset) {
          ended = true; // closed with bytes unread: as good an end
        }
      }
      assertThat(ended).as("the flooding connection was ended by the balancer").isTrue();
      assertThat(logged.warnings()).as("an abusive connection, ended, is no warning in the log: a flood of them would flood it").isEmpty();

      // served while the flood is ended: what the flood's streams sent on before its end may still fill the replica's backlog, so
      // a first request can find the replica full (a 503 of the replica's making, not the flood's connection's); it recovers
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(other.send(get("/home", 0)).get(10, TimeUnit.SECONDS).body()).isEqualTo("Hello from R0"));
    }
  }

  /** An HTTP/2 frame: its 9-byte header, then its payload. */
  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
    frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
    frame.put((byte) type).put((byte) flags).putInt(stream).put(payload);
    return frame.array();
  }

  /** A replica whose {@code /slow} counts each request in {@code arrived} and answers it once {@code release} opens. */
  private InetSocketAddress slowReplica(AtomicInteger arrived, CountDownLatch release) {
    return backends.http(Map.of("/slow", exchange -> {
      arrived.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Backends.hello("R0").handle(exchange);
    }));
  }

  @Test
  void aConnectionThatTurnsToHttp2AfterTheStopBeganIsToldGoawayAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger arrived = new AtomicInteger();
    InetSocketAddress slow = slowReplica(arrived, release);
    ProxyFixture stopping = new ProxyFixture(List.of(slow));
    try (H2cClient client = new H2cClient(stopping.port()); Socket late = new Socket("127.0.0.1", stopping.port())) {
      client.send(get("/slow", 0)); // holds the drain open
      await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 1);
      Thread stop = Thread.ofPlatform().start(() -> stopping.close(Duration.ofSeconds(20)));
      await().atMost(Duration.ofSeconds(10)).until(client::goneAway);

      // accepted before the stop, its preface only now: it speaks HTTP/2 from after the GOAWAYs went out
      late.setSoTimeout(10_000);
      late.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      late.getOutputStream().write(frame(0x4, 0, 0, new byte[0]));
      DataInputStream in = new DataInputStream(late.getInputStream());
      List<Integer> types = new ArrayList<>();
      try {
        while (!types.contains(0x7)) {
          types.add(readFrame(in).type());
        }
      } catch (EOFException closed) {
        // closed without one: the assertion says so
      }
      assertThat(types).as("the late connection was told GOAWAY, not left to open streams through the drain").contains(0x7);
      release.countDown();
      stop.join(30_000);
    }
  }

  @Test
  void stoppingSaysGoawayAndLetsTheStreamsInFlightFinish() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger arrived = new AtomicInteger();
    InetSocketAddress slow = slowReplica(arrived, release);
    ProxyFixture stopping = new ProxyFixture(List.of(slow));
    try (H2cClient client = new H2cClient(stopping.port())) {
      CompletableFuture<H2cClient.Answer> inFlight = client.send(get("/slow", 0));
      await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 1);

      Thread stop = Thread.ofPlatform().start(() -> stopping.close(Duration.ofSeconds(20)));
      await().atMost(Duration.ofSeconds(10)).until(client::goneAway);
      assertThat(inFlight).as("the stream in flight goes on after the GOAWAY").isNotDone();
      release.countDown();

      assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).isEqualTo("Hello from R0");
      stop.join(30_000);
      assertThat(stop.isAlive()).isFalse();
    }
  }

  private ProxySettings idleAfter(ProxySettings s, Duration idle) {
    return ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(), idle, s.connectionsPerReplica(), s.responseTimeout());
  }

  @Test
  void aStreamWhoseBodyStallsIsAnswered408AndTheConnectionGoesOn() throws Exception {
    FakeClock clock = new FakeClock();
    Duration idle = Duration.ofMillis(500);
    proxy = ProxyFixture.onClock(List.of(replica("R0")), s -> idleAfter(s, idle), clock);
    try (H2cClient client = new H2cClient(proxy.port())) {
      HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo");
      head.headers().set(HttpHeaderNames.HOST, "lb.example").setInt(HttpHeaderNames.CONTENT_LENGTH, 100);

      var answer = client.sendStalling(head, new DefaultHttpContent(Unpooled.copiedBuffer("ten bytes.", StandardCharsets.UTF_8)));
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.router.loads().total() == 1); // its stream open and routed
      // an idle timeout at a time, until the plane has read the ten bytes and found nothing more came for a whole one; no further,
      // since the connection, its stream ended, would then be idle for as long and close
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        clock.forward(idle);
        proxy.settle();
        return proxy.events.contains("answered-itself 408");
      });
      H2cClient.Answer stalled = answer.get(10, TimeUnit.SECONDS);

      assertThat(stalled.status()).isEqualTo(408);
      assertThat(stalled.body()).contains("The request body stalled for longer than lb.client.idle-timeout-ms");
      assertThat(client.send(get("/home", 0)).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void aStreamWhoseClientTakesNothingOfItsAnswerIsResetAndFreesTheReplica() throws Exception {
    byte[] large = new byte[4 << 20];
    InetSocketAddress big = backends.http(Map.of("/big", exchange -> {
      exchange.sendResponseHeaders(200, large.length);
      try (var out = exchange.getResponseBody()) {
        out.write(large);
      } catch (IOException clientGone) {
        // the balancer let go of the answer
      }
    }));
    proxy = new ProxyFixture(List.of(big), s -> idleAfter(s, Duration.ofMillis(500)));
    try (H2cClient client = new H2cClient(proxy.port())) {
      var stream = client.sendAndNeverRead(get("/big", 0));
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.router.loads().total() == 1);

      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.router.loads().total() == 0); // the balancer let go of the request
      stream.config().setAutoRead(true); // the client reads again: what it finds, past the bytes that filled its window, is the reset
      assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).as("the stream the client stopped reading was reset").isTrue();
    }
  }

  @Test
  void aClientThatTakesItsAnswerSlowerThanTheIdleTimeoutGetsItWhole() throws Exception {
    byte[] large = new byte[600_000];
    InetSocketAddress big = backends.http(Map.of("/big", exchange -> {
      exchange.sendResponseHeaders(200, large.length);
      try (var out = exchange.getResponseBody()) {
        out.write(large);
      }
    }));
    FakeClock clock = new FakeClock();
    Duration idle = Duration.ofMillis(500);
    proxy = ProxyFixture.onClock(List.of(big), s -> idleAfter(s, idle), clock);
    // the client takes what it was sent only 400 ms on, each time: the 600 kB take over ten windows and 4 s, eight idle timeouts
    try (H2FrameClient client = H2FrameClient.holdingWindows(proxy.port())) {
      var stream = client.open(H2FrameClient.request("GET", "/big"), true);
      long start = clock.nanoTime();
      while (!client.ended(stream)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> client.ended(stream) || client.windowLeft(stream) == 0); // all it may send, sent
        proxy.settle();
        clock.forward(idle.minusMillis(100));
        proxy.settle();
        client.giveBackWindows();
      }

      assertThat(client.received).noneMatch(frame -> frame.kind().equals("RST"));
      assertThat(client.bodyBytes(stream)).isEqualTo(large.length);
      assertThat(Duration.ofNanos(clock.nanoTime() - start)).as("the time the client took").isGreaterThan(idle.multipliedBy(7));
    }
  }

  /**
   * HTTP/2 carries a field value as bytes; HTTP/1.1 ends a header at CR or LF. A value with either,
   * a NUL, or whitespace at its ends, and a path or authority with a control character or a space,
   * and a path with a fragment, are a malformed request (RFC 9113, 8.2.1 and 8.3.1): its stream is reset with PROTOCOL_ERROR
   * and nothing of it reaches the replica, where it could become headers or requests of its own.
   * The connection's other streams go on.
   */
  @Test
  void aFieldHttp11CannotCarryIsAMalformedRequestAndNeverReachesTheReplica() throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    proxy = new ProxyFixture(List.of(answeringOk(arrived)));
    try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
      List<String> values = List.of("one\r\nx-injected: yes", "one\nx-injected: yes", "one\rtwo", "one\0two", " leading", "trailing\t");
      List<Http2FrameStream> malformed = new ArrayList<>();
      for (String value : values) {
        malformed.add(client.open(H2FrameClient.request("GET", "/home").set("x-value", value), true));
      }
      for (String path : List.of("/home?smuggled HTTP/1.1\r\nHost: x\r\n\r\nGET /other", "/home\0x", "/home\tx", "/home x", "home", "*", "http://x/home", "/home#x")) {
        malformed.add(client.open(H2FrameClient.request("GET", path), true));
      }
      malformed.add(client.open(H2FrameClient.request("GET", "/home").authority("lb.example\r\nx-injected: yes"), true));
      malformed.add(client.open(H2FrameClient.request("GET", "/home").authority("lb example"), true));

      await().atMost(Duration.ofSeconds(5)).until(() -> malformed.stream().allMatch(client::ended));
      assertThat(client.received).filteredOn(frame -> frame.kind().equals("RST")).extracting(H2FrameClient.Received::errorCode)
          .as("each malformed stream reset as a protocol error").containsOnly(Http2Error.PROTOCOL_ERROR.code()).hasSize(malformed.size());
      var fine = client.open(H2FrameClient.request("GET", "/home").set("x-value", "inner\tspace is fine"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> client.ended(fine));
      assertThat(client.bodyBytes(fine)).isEqualTo(2);
      assertThat(arrived).as("only the well-formed request reached the replica").hasValue(1);
    }
  }

  /**
   * A request without {@code :method}, {@code :scheme} or {@code :path}, or whose scheme is not
   * one of HTTP's, is malformed (RFC 9113, 8.3.1): reset with PROTOCOL_ERROR, never forwarded as
   * the HTTP request it is not.
   */
  @Test
  void aRequestWithoutItsMethodSchemeOrPathOrForAnotherSchemeIsMalformed() throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    proxy = new ProxyFixture(List.of(answeringOk(arrived)));
    try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
      List<Http2FrameStream> malformed = List.of(
          client.open(new DefaultHttp2Headers().scheme("http").path("/home").authority("lb.example"), true),
          client.open(new DefaultHttp2Headers().method("GET").path("/home").authority("lb.example"), true),
          client.open(new DefaultHttp2Headers().method("GET").scheme("http").authority("lb.example"), true),
          client.open(H2FrameClient.request("GET", "/home").scheme("ftp"), true));

      await().atMost(Duration.ofSeconds(5)).until(() -> malformed.stream().allMatch(client::ended));
      assertThat(client.received).filteredOn(frame -> frame.kind().equals("RST")).extracting(H2FrameClient.Received::errorCode)
          .as("each reset as a protocol error").containsOnly(Http2Error.PROTOCOL_ERROR.code()).hasSize(malformed.size());
      var fine = client.open(H2FrameClient.request("GET", "/home").scheme("https"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> client.ended(fine));
      assertThat(client.bodyBytes(fine)).isEqualTo(2);
      assertThat(arrived).as("only the well-formed request reached the replica").hasValue(1);
    }
  }

  @Test
  void aTrailerHttp11CannotCarryResetsItsStreamAsAProtocolError() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")));
    try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
      var stream = client.open(H2FrameClient.request("POST", "/echo"), false);
      client.data(stream, "abc".getBytes(StandardCharsets.UTF_8), false);
      client.trailers(stream, new DefaultHttp2Headers().add("x-checksum", "abc "));

      await().atMost(Duration.ofSeconds(5)).until(() -> client.ended(stream));
      assertThat(client.received).filteredOn(frame -> frame.kind().equals("RST")).extracting(H2FrameClient.Received::errorCode)
          .containsExactly(Http2Error.PROTOCOL_ERROR.code());
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.router.loads().total() == 0); // the replica is let go
    }
  }

  @Test
  void connectIsNotServedOnItsStreamAndNothingReachesTheReplica() throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    proxy = new ProxyFixture(List.of(answeringOk(arrived)));
    try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
      var connect = client.open(new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:443"), false);

      await().atMost(Duration.ofSeconds(5)).until(() -> client.received.stream().anyMatch(frame -> frame.stream() == connect.id() && frame.kind().equals("RST")));
      assertThat(client.received).filteredOn(frame -> frame.stream() == connect.id()).extracting(H2FrameClient.Received::kind, H2FrameClient.Received::errorCode)
          .as("the 501 whole, then the client asked to stop sending (RFC 9113, 8.1)")
          .containsExactly(tuple("HEADERS", 0L), tuple("DATA", 0L), tuple("RST", Http2Error.NO_ERROR.code()));
      assertThat(arrived).hasValue(0);
    }
  }

  /** With neither {@code :authority} nor {@code host} there is no Host to send the replica (RFC 9110, 7.2): a 400, as over HTTP/1.1. */
  @Test
  void aRequestWithoutAnAuthorityIsA400OnItsStreamAndTheConnectionGoesOn() throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    proxy = new ProxyFixture(List.of(answeringOk(arrived)));
    try (H2cClient client = new H2cClient(proxy.port())) {
      H2cClient.Answer refused = client.send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/home")).get(10, TimeUnit.SECONDS);
      H2cClient.Answer fine = client.send(get("/home", 0)).get(10, TimeUnit.SECONDS);

      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body()).contains("without :authority or host").contains("\"status\":\"failure\"");
      assertThat(fine.body()).isEqualTo("ok");
      assertThat(arrived).as("only the request with an authority reached the replica").hasValue(1);
    }
  }

  @Test
  void aStreamTheCodecRefusesIsResetAtOnceAndTheConnectionGoesOn() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")), s -> idleAfter(s, Duration.ofSeconds(30)));
    try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
      // a content-length of 5 on a request that ends with its headers, and 10 bytes where 5 were announced: both malformed (RFC 9113, 8.1.1)
      var noBody = client.open(H2FrameClient.request("POST", "/echo").set("content-length", "5"), true);
      var tooLong = client.open(H2FrameClient.request("POST", "/echo").set("content-length", "5"), false);
      client.data(tooLong, new byte[10], true);

      await().atMost(Duration.ofSeconds(5)).until(() -> client.ended(noBody) && client.ended(tooLong)); // not a whole idle timeout on
      assertThat(client.received).filteredOn(frame -> frame.kind().equals("RST")).extracting(H2FrameClient.Received::stream)
          .containsExactlyInAnyOrder(noBody.id(), tooLong.id());
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.router.loads().total() == 0); // the replica is let go
      var fine = client.open(H2FrameClient.request("GET", "/home"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> client.ended(fine));
      assertThat(client.bodyBytes(fine)).isPositive();
      assertThat(client.isOpen()).isTrue();
    }
  }

  /**
   * A head Netty's HPACK decoder refuses as malformed, a connection-specific field, a name in
   * capitals or a {@code te} other than {@code trailers} (RFC 9113, 8.2.1 and 8.2.2), is a stream
   * error: its stream is reset, the body its client sends on it anyway is let go, and the
   * connection's other streams go on. Without the stream made first, that body ended the
   * connection with a GOAWAY, every stream on it with it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"connection: keep-alive", "X-Capitals: yes", "te: gzip"})
  void aHeadTheDecoderRefusesResetsItsStreamAloneThoughItsBodyFollows(String field) throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    proxy = new ProxyFixture(List.of(slowReplica(arrived, release)));
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    Http2Headers malformed = new DefaultHttp2Headers(false).method("POST").scheme("http").path("/slow").authority("lb.example")
        .add(field.substring(0, field.indexOf(':')), field.substring(field.indexOf(':') + 2));
    try (Socket raw = new Socket("127.0.0.1", proxy.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0]));
      out.write(frame(0x1, 0x5, 1, headerBlock(hpack, new DefaultHttp2Headers().method("GET").scheme("http").path("/slow").authority("lb.example"))));
      await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1); // stream 1 at the replica, its answer held
      out.write(frame(0x1, 0x4, 3, headerBlock(hpack, malformed))); // END_HEADERS, its body to follow
      out.write(frame(0x0, 0x1, 3, "abc".getBytes(StandardCharsets.US_ASCII)));
      DataInputStream in = new DataInputStream(raw.getInputStream());

      ReadFrame reset;
      do {
        reset = readFrame(in);
        assertThat(reset.type()).as("no GOAWAY").isNotEqualTo(0x7);
      } while (reset.type() != 0x3 || reset.stream() != 3);
      assertThat(ByteBuffer.wrap(reset.payload()).getInt() & 0xffffffffL).as("stream 3's reset").isEqualTo(Http2Error.PROTOCOL_ERROR.code());
      release.countDown();
      Map<Integer, String> statuses = new HashMap<>();
      while (!statuses.containsKey(1)) {
        ReadFrame frame = readFrame(in);
        assertThat(frame.type()).as("no GOAWAY: the connection goes on").isNotEqualTo(0x7);
        if (frame.type() == 0x1) {
          statuses.put(frame.stream(), String.valueOf(new DefaultHttp2HeadersDecoder(false).decodeHeaders(frame.stream(),
              Unpooled.wrappedBuffer(frame.payload())).status()));
        }
      }
      assertThat(statuses).as("stream 1 answered").containsEntry(1, "200");
      assertThat(arrived).as("the malformed request reached no replica").hasValue(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void anAnswerBrokenOffMidwaySendsWhatWasRelayedBeforeTheReset() throws Exception {
    try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (java.net.Socket replica = raw.accept()) {
          Backends.readHead(replica.getInputStream());
          // a chunk of 16 kB, then a chunk size that is none: the answer breaks off after its first chunk
          String broken = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n" + "a".repeat(0x4000) + "\r\nzz\r\n";
          replica.getOutputStream().write(broken.getBytes(StandardCharsets.US_ASCII));
          replica.getOutputStream().flush();
          Thread.sleep(3_000);
        } catch (Exception done) {
          // the balancer hung up
        }
      });
      proxy = new ProxyFixture(List.of(new InetSocketAddress("127.0.0.1", raw.getLocalPort())), s -> s);
      try (H2FrameClient client = new H2FrameClient(proxy.port(), Duration.ZERO)) {
        var stream = client.open(H2FrameClient.request("GET", "/broken"), true);

        await().atMost(Duration.ofSeconds(10)).until(() -> client.ended(stream));

        assertThat(client.received).extracting(H2FrameClient.Received::kind).containsExactly("HEADERS", "DATA", "RST");
        assertThat(client.bodyBytes(stream)).isEqualTo(0x4000);
      }
    }
  }

  @Test
  void aBodyOverTheLimitIsRefused413OnItsStreamAndLogged() throws Exception {
    List<AccessLogEntry> logged = new CopyOnWriteArrayList<>();
    AccessLog log = recordingInto(logged);
    proxy = new ProxyFixture(List.of(replica("R0")), s -> ProxyFixture.with(s, s.maxHeaderBytes(), 10, s.headerTimeout(), s.idleTimeout(),
        s.connectionsPerReplica(), s.responseTimeout()), 0, log);
    try (H2cClient client = new H2cClient(proxy.port())) {
      FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo", Unpooled.copiedBuffer("more than ten bytes", StandardCharsets.UTF_8));
      post.headers().set(HttpHeaderNames.HOST, "lb.example").setInt(HttpHeaderNames.CONTENT_LENGTH, 19);

      H2cClient.Answer refused = client.send(post).get(10, TimeUnit.SECONDS);

      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.body()).contains("larger than 10 bytes (lb.forward.max-body-bytes)");
      assertThat(client.send(get("/home", 0)).get(10, TimeUnit.SECONDS).status()).as("the connection goes on").isEqualTo(200);
    }
    assertThat(logged).extracting(AccessLogEntry::status, AccessLogEntry::protocol, AccessLogEntry::replica)
        .contains(tuple(413, "HTTP/2.0", AccessLogEntry.NO_REPLICA));
  }

  @Test
  void aBodyRefusedOnItsHeadHasItsClientAskedToStopSendingAndTheConnectionGoesOn() throws Exception {
    proxy = new ProxyFixture(List.of(replica("R0")), s -> ProxyFixture.with(s, s.maxHeaderBytes(), 10, s.headerTimeout(), s.idleTimeout(),
        s.connectionsPerReplica(), s.responseTimeout()));
    assertAnsweredEarlyThenAskedToStopSending("413");
  }

  @Test
  void aReplicaThatAnswersBeforeTheBodyEndsHasTheClientAskedToStopSending() throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    proxy = new ProxyFixture(List.of(answeringOk(arrived)));
    assertAnsweredEarlyThenAskedToStopSending("200");
    assertThat(arrived).as("the upload's request and the next").hasValue(2);
  }

  @Test
  void anEarlyAnswerLargerThanTheClientsWindowGoesOutWholeBeforeTheClientIsAskedToStop() throws Exception {
    byte[] large = new byte[200_000];
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    proxy = new ProxyFixture(List.of(backends.raw(arrived, (head, out) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + large.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(large);
      out.flush();
      done.await(30, TimeUnit.SECONDS); // closed with the body it never read, the connection would be reset, the answer with it
    })));
    try (H2FrameClient client = H2FrameClient.holdingWindows(proxy.port())) {
      Http2Headers upload = H2FrameClient.request("POST", "/upload");
      upload.setInt(HttpHeaderNames.CONTENT_LENGTH, 1 << 20);
      var stream = client.open(upload, false);
      client.data(stream, new byte[1_000], false);
      while (!client.ended(stream)) { // by its last DATA frame, or by a reset that came too soon
        await().atMost(Duration.ofSeconds(10)).until(() -> client.ended(stream) || client.windowLeft(stream) == 0); // all it may send, sent
        client.giveBackWindows();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> client.received.stream().anyMatch(frame -> frame.kind().equals("RST")));

      assertThat(client.bodyBytes(stream)).as("the answer whole, over several of the client's windows").isEqualTo(large.length);
      List<H2FrameClient.Received> frames = client.received.stream().filter(frame -> frame.stream() == stream.id()).toList();
      assertThat(frames.subList(frames.size() - 2, frames.size())).extracting(H2FrameClient.Received::kind, H2FrameClient.Received::endStream,
          H2FrameClient.Received::errorCode).containsExactly(tuple("DATA", true, 0L), tuple("RST", true, Http2Error.NO_ERROR.code()));
    } finally {
      done.countDown();
    }
  }

  /**
   * Sends the head of a 1 MiB upload and its first kilobyte on stream 1, and asserts that the
   * answer, {@code status}, came whole, then a RST_STREAM of NO_ERROR (RFC 9113, 8.1): the rest
   * of the body would go to no one. More of the body sent after, as a client does that has not
   * read the reset yet, is let go, and the connection serves its next stream.
   */
  private void assertAnsweredEarlyThenAskedToStopSending(String status) throws Exception {
    DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    Http2Headers upload = new DefaultHttp2Headers().method("POST").scheme("http").path("/echo").authority("lb.example");
    upload.setInt(HttpHeaderNames.CONTENT_LENGTH, 1 << 20);
    try (Socket raw = new Socket("127.0.0.1", proxy.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0]));
      out.write(frame(0x1, 0x4, 1, headerBlock(hpack, upload))); // END_HEADERS, the stream left open for its body
      out.write(frame(0x0, 0, 1, new byte[1_000]));
      DataInputStream in = new DataInputStream(raw.getInputStream());
      DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

      List<String> onStream1 = new ArrayList<>();
      ReadFrame frame;
      do {
        frame = readFrame(in);
        if (frame.stream() == 1) {
          onStream1.add(switch (frame.type()) {
            case 0x1 -> "HEADERS " + decoder.decodeHeaders(1, Unpooled.wrappedBuffer(frame.payload())).status() + (frame.endsStream() ? " END" : "");
            case 0x0 -> "DATA" + (frame.endsStream() ? " END" : "");
            case 0x3 -> "RST " + (ByteBuffer.wrap(frame.payload()).getInt() & 0xffffffffL);
            default -> "type " + frame.type();
          });
        }
      } while (frame.type() != 0x3 || frame.stream() != 1);

      assertThat(onStream1).as("the answer whole, then the reset").containsExactly("HEADERS " + status, "DATA END", "RST " + Http2Error.NO_ERROR.code());
      for (int i = 0; i < 4; i++) {
        out.write(frame(0x0, 0, 1, new byte[16_000])); // the client had sent these before it read the reset
      }
      out.write(frame(0x1, 0x5, 3, headerBlock(hpack, homeHeaders())));
      Map<Integer, String> statuses = new HashMap<>();
      while (!statuses.containsKey(3)) {
        frame = readFrame(in);
        assertThat(frame.type()).as("no GOAWAY: the connection goes on").isNotEqualTo(0x7);
        assertThat(frame.stream() == 1 && frame.type() == 0x3).as("what came on the reset stream ignored (RFC 9113, 5.1), not reset again").isFalse();
        if (frame.type() == 0x1) {
          statuses.put(frame.stream(), String.valueOf(decoder.decodeHeaders(frame.stream(), Unpooled.wrappedBuffer(frame.payload())).status()));
        }
      }
      assertThat(statuses).containsEntry(3, "200");
    }
  }

  @Test
  void anUploadPausedForItsReplicaDoesNotStallAnotherOnTheSameConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InetSocketAddress held = backends.http(Map.of("/slow", exchange -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Backends.hello("R0").handle(exchange);
    }, "/echo", Backends.echo()));
    // one connection to R0 at most: while /slow holds it, an upload to R0 waits in the pool with its body unread
    proxy = new ProxyFixture(List.of(held, replica("R1")), s -> ProxyFixture.with(s, s.maxHeaderBytes(), s.maxBodyBytes(), s.headerTimeout(),
        s.idleTimeout(), 1, s.responseTimeout()));
    try (H2cClient client = new H2cClient(proxy.port())) {
      CompletableFuture<H2cClient.Answer> holding = client.send(get("/slow", 0));
      CompletableFuture<H2cClient.Answer> waiting = client.send(upload(0, 200_000));

      H2cClient.Answer other = client.send(upload(1, 200_000)).get(10, TimeUnit.SECONDS);

      assertThat(other.status()).as("R1's upload went through while R0's waited").isEqualTo(200);
      assertThat(holding).isNotDone();
      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  private static FullHttpRequest upload(long key, int bytes) {
    FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo", Unpooled.wrappedBuffer(new byte[bytes]));
    post.headers().set(HttpHeaderNames.HOST, "lb.example").set("X-Key", key).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes);
    return post;
  }

  /** An access log that keeps every entry in {@code logged}. */
  private static AccessLog recordingInto(List<AccessLogEntry> logged) {
    return new AccessLog() {
      @Override
      public void log(AccessLogEntry entry) {
        logged.add(entry);
      }

      @Override
      public void close() {}
    };
  }
}
