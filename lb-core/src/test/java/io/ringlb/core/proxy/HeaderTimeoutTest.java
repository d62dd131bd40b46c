package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ServerTls;
import io.ringlb.core.tls.TestCertificates;
import io.ringlb.core.tls.TlsSettings;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lb.client.header-timeout-ms} on a client connection's real pipeline, in an embedded
 * channel, on a data-plane clock that stands still until the test moves it: the timeout is asserted to the
 * millisecond, without a sleep. No replica is in the ring, so a complete request is answered 503
 * at once.
 */
class HeaderTimeoutTest {

  private static final Duration HEADERS = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private EmbeddedChannel client;
  /** What the plane told of the connections, as the metrics count it. */
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    client = connection(Optional.empty());
  }

  /** A client connection to the cleartext port, or with {@code tls} to the TLS port, its handshake not begun. */
  private EmbeddedChannel connection(Optional<ServerTls> tls) throws Exception {
    ProxySettings defaults = ProxySettings.defaults(0);
    ProxySettings settings = ProxyFixture.with(defaults, defaults.maxHeaderBytes(), defaults.maxBodyBytes(), HEADERS, Duration.ofMinutes(5),
        defaults.connectionsPerReplica(), defaults.responseTimeout());
    return ProxyFixture.embeddedClient(new EmbeddedChannel(false, false), settings, clock, tls, ProxyFixture.recordingInto(events));
  }

  @AfterEach
  void close() {
    client.finishAndReleaseAll();
  }

  private void advance(Duration by) {
    clock.forward(by);
    client.runPendingTasks();
  }

  private void send(String text) {
    client.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  /** What the client was sent so far, as text. */
  private String answered() {
    StringBuilder text = new StringBuilder();
    for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
      text.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }
    return text.toString();
  }

  @Test
  void aConnectionThatSendsNothingIsAnswered408AtTheTimeout() {
    advance(HEADERS.minusMillis(1));
    assertThat(answered()).isEmpty();
    assertThat(client.isOpen()).isTrue();

    advance(Duration.ofMillis(1));

    assertThat(answered()).startsWith("HTTP/1.1 408 ").contains("The request headers took longer than 2000 ms (lb.client.header-timeout-ms)");
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void aHeadBegunInTheSameReadAsTheRequestBeforeItIsTimedFromWhenItIsAwaited() {
    send("GET /home HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHo"); // and nothing more
    assertThat(answered()).startsWith("HTTP/1.1 503 ");

    advance(HEADERS);

    assertThat(answered()).startsWith("HTTP/1.1 408 ");
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void aHeadWhoseRequestLineCameWholeInTheSameReadIsTimedToo() {
    send("GET /home HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\n"); // the decoder takes the line in, and holds nothing

    advance(HEADERS);

    assertThat(answered()).contains("HTTP/1.1 408 ");
  }

  @Test
  void lineEndsAfterARequestAreNoHeadBegun() {
    send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n\r\n");
    assertThat(answered()).startsWith("HTTP/1.1 503 ");

    advance(HEADERS);

    assertThat(answered()).as("idle, not a head too slow").isEmpty();
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void theFirstRequestsHeadersAreTimedFromTheConnectionsStart() {
    advance(Duration.ofMillis(1_500));
    send("GET /home HTTP/1.1\r\nHost: x\r\n"); // the headers not ended yet

    advance(Duration.ofMillis(500));

    assertThat(answered()).startsWith("HTTP/1.1 408 ");
  }

  @Test
  void completeHeadersStopTheTimeoutAndTheNextRequestsRunsFromItsFirstByte() {
    send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answered()).startsWith("HTTP/1.1 503 ").contains("No replica is in the ring");

    advance(Duration.ofSeconds(60));
    assertThat(answered()).as("an idle kept-alive connection is the idle timeout's, not the header timeout's").isEmpty();
    assertThat(client.isOpen()).isTrue();

    send("G");
    advance(HEADERS.minusMillis(1));
    assertThat(answered()).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(answered()).startsWith("HTTP/1.1 408 ");
  }

  @Test
  void headersSentSlowlyButWithinTheTimeoutAreServed() {
    for (String part : new String[] {"GET /home HTTP/1.1\r\n", "Host: x\r\n", "X-Key: 1\r\n", "\r\n"}) {
      advance(HEADERS.dividedBy(5));
      send(part);
    }
    assertThat(answered()).startsWith("HTTP/1.1 503 ");
    advance(HEADERS);
    assertThat(client.isOpen()).isTrue();
  }

  // ---- HTTP/2 by prior knowledge on the same port: a header block must be whole within the timeout ----

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADERS_FRAME = 0x1;
  private static final int CONTINUATION_FRAME = 0x9;
  private static final int GOAWAY_FRAME = 0x7;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;

  private void send(byte[]... parts) {
    for (byte[] part : parts) {
      client.writeInbound(Unpooled.wrappedBuffer(part));
    }
    client.runPendingTasks();
  }

  /** The types of the frames the client was sent so far. */
  private List<Integer> framesSent() {
    ByteBuf sent = Unpooled.buffer();
    for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
      sent.writeBytes(bytes);
      bytes.release();
    }
    List<Integer> types = new ArrayList<>();
    while (sent.readableBytes() >= 9) {
      int length = sent.readUnsignedMedium();
      types.add((int) sent.readByte());
      sent.skipBytes(Math.min(5 + length, sent.readableBytes())); // flags, stream, payload
    }
    sent.release();
    return types;
  }

  /**
   * Stream 3: Netty's multiplexer takes stream 1 of a connection whose parent is no server
   * channel, as an embedded channel's is not, for an upgrade's; any odd stream may come first.
   */
  private static final int STREAM = 3;

  /** A request's header block, GET /, begun in a HEADERS frame and left open (its scheme and authority to come). */
  private static byte[] headersBegun() {
    return Http2Test.frame(HEADERS_FRAME, END_STREAM, STREAM, new byte[] {(byte) 0x82, (byte) 0x84});
  }

  /** A connection to the TLS port instead of the cleartext one. */
  private void connectOverTls() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "served");
    client.finishAndReleaseAll();
    client = connection(Optional.of(ServerTls.load(new TlsSettings(0, Optional.of(certificates.certificate()), Optional.of(certificates.key()),
        Optional.empty(), "", Duration.ofSeconds(10)), Instant::now)));
  }

  @Test
  void aTlsHandshakeNotFinishedWithinTheHeaderTimeoutEndsTheConnection() throws Exception {
    connectOverTls();
    send("\u0016\u0003\u0001"); // a ClientHello's record begun, never finished

    advance(HEADERS.minusMillis(1));
    assertThat(client.isOpen()).isTrue();
    assertThat(events).isEmpty();
    advance(Duration.ofMillis(1));

    assertThat(client.isOpen()).isFalse();
    assertThat(events).as("counted, as a slowloris's handshake should be").containsExactly("client-connection-failed tls_handshake_timeout");
  }

  @Test
  void aTlsHandshakeFinishedInTimeIsNoLongerTimed() throws Exception {
    connectOverTls();
    advance(HEADERS.dividedBy(2));
    EmbeddedChannel peer = new EmbeddedChannel(SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build()
        .newHandler(ByteBufAllocator.DEFAULT));
    SslHandler peerTls = peer.pipeline().get(SslHandler.class);
    SslHandler servedTls = client.pipeline().get(SslHandler.class);
    for (int round = 0; round < 10 && !servedTls.handshakeFuture().isDone(); round++) {
      for (ByteBuf bytes; (bytes = peer.readOutbound()) != null; ) {
        client.writeInbound(bytes);
      }
      for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
        peer.writeInbound(bytes);
      }
    }
    assertThat(servedTls.handshakeFuture().isSuccess()).as("the handshake done, at half the timeout").isTrue();

    advance(HEADERS.dividedBy(2).plusMillis(1)); // past the handshake's deadline, not yet past the first request's (timed from the handshake's end)

    assertThat(client.isOpen()).isTrue();
    assertThat(events).isEmpty();
    peer.finishAndReleaseAll();
  }

  @Test
  void anHttp2HeaderBlockLeftUnfinishedEndsTheConnectionWithAGoawayAtTheTimeout() {
    send(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]), headersBegun());
    advance(HEADERS.minusMillis(1));
    assertThat(client.isOpen()).isTrue();

    send(Http2Test.frame(CONTINUATION_FRAME, 0, STREAM, new byte[] {0x40, 0x03, 'x', '-', 'a', 0x01, 'b'})); // more of it, still not the end: no reprieve
    advance(Duration.ofMillis(1));

    assertThat(client.isOpen()).isFalse();
    assertThat(framesSent()).contains(GOAWAY_FRAME);
  }

  @Test
  void anHttp2HeaderBlockLeftUnfinishedEndsTheConnectionAtTheTimeoutThoughAnotherStreamIsOpen() {
    byte[] postUnderWay = Http2Test.frame(HEADERS_FRAME, END_HEADERS, STREAM, new byte[] {(byte) 0x83, (byte) 0x84, (byte) 0x86}); // its body to come
    byte[] blockBegun = Http2Test.frame(HEADERS_FRAME, END_STREAM, STREAM + 2, new byte[] {(byte) 0x82, (byte) 0x84});
    send(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]), postUnderWay, blockBegun);

    advance(HEADERS);

    assertThat(client.isOpen()).as("not held open for the stream under way, as a graceful close would").isFalse();
    assertThat(framesSent()).contains(GOAWAY_FRAME);
  }

  @Test
  void anHttp2HeaderBlockFinishedWithinTheTimeoutIsAnsweredAndTheConnectionStays() {
    send(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]), headersBegun());
    advance(HEADERS.minusMillis(1));
    send(Http2Test.frame(CONTINUATION_FRAME, END_HEADERS, STREAM, new byte[] {(byte) 0x86, 0x01, 0x01, 'x'})); // :scheme http, :authority x

    advance(HEADERS.multipliedBy(10));

    assertThat(client.isOpen()).isTrue();
    assertThat(framesSent()).as("the answer's HEADERS, a 503 with no replica in the ring").contains(HEADERS_FRAME).doesNotContain(GOAWAY_FRAME);
  }

  @Test
  void aHeadersFrameThatEndsItsBlockButWhosePayloadTricklesEndsTheConnectionAtTheTimeout() {
    byte[] whole = Http2Test.frame(HEADERS_FRAME, END_STREAM | END_HEADERS, STREAM, new byte[] {(byte) 0x82, (byte) 0x84, (byte) 0x86, 0x01, 0x01, 'x'});
    send(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]), java.util.Arrays.copyOf(whole, whole.length - 1));
    advance(HEADERS.minusMillis(1));
    assertThat(client.isOpen()).isTrue();

    advance(Duration.ofMillis(1));

    assertThat(client.isOpen()).as("the block's last byte never came").isFalse();
  }

  @Test
  void aHeadersFrameWholeInOneReadStartsNoTimer() {
    send(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]),
        Http2Test.frame(HEADERS_FRAME, END_STREAM | END_HEADERS, STREAM, new byte[] {(byte) 0x82, (byte) 0x84, (byte) 0x86, 0x01, 0x01, 'x'}));

    advance(HEADERS.multipliedBy(10));

    assertThat(client.isOpen()).isTrue();
    assertThat(framesSent()).as("answered: a 503, no replica in the ring").contains(HEADERS_FRAME).doesNotContain(GOAWAY_FRAME);
  }

  @Test
  void frameHeadersSplitAcrossReadsAreFollowed() {
    ByteBuf all = Unpooled.wrappedBuffer(PREFACE, Http2Test.frame(0x4, 0, 0, new byte[0]), headersBegun());
    while (all.isReadable()) {
      send(new byte[] {all.readByte()});
    }
    advance(HEADERS);

    assertThat(client.isOpen()).isFalse();
  }
}
