package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request's body as replicas get it, each replica an embedded channel that keeps what it was written. */
class ClientRequestTest {

  private final EmbeddedChannel first = new EmbeddedChannel();
  private final EmbeddedChannel second = new EmbeddedChannel();

  @AfterEach
  void closeChannels() {
    first.finishAndReleaseAll();
    second.finishAndReleaseAll();
  }

  private static ClientRequest put() {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/home");
    head.headers().set(HttpHeaderNames.HOST, "x").set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    return new ClientRequest(head, "/home", "192.0.2.7", false, 0L);
  }

  private static HttpContent part(String text, boolean last) {
    ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    return last ? new DefaultLastHttpContent(bytes) : new DefaultHttpContent(bytes);
  }

  /** What a replica's channel was written, as text; the parts are let go. */
  private static String written(EmbeddedChannel replica) {
    replica.flush(); // the request writes, the exchange flushes
    StringBuilder text = new StringBuilder();
    Object message;
    while ((message = replica.readOutbound()) != null) {
      HttpContent content = (HttpContent) message;
      text.append(content.content().toString(StandardCharsets.UTF_8));
      content.release();
    }
    return text.toString();
  }

  @Test
  void aKeptBodyGoesWholeToTheNextReplica() {
    ClientRequest request = put();
    request.take(part("hello ", false), 1_000, 100);
    request.writeBody(first);
    request.rewind(); // the first replica failed
    request.take(part("world", true), 1_000, 100);
    request.writeBody(second);

    assertThat(written(first)).isEqualTo("hello ");
    assertThat(written(second)).isEqualTo("hello world");
    assertThat(request.retryable()).isTrue();
    request.release();
  }

  @Test
  void aPostsBodyIsKeptForAReplicaThatNeverProcessedItButNotRetriedAfterAnyFailure() {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/orders");
    head.headers().set(HttpHeaderNames.HOST, "x").set(HttpHeaderNames.CONTENT_LENGTH, 11);
    ClientRequest request = new ClientRequest(head, "/orders", "192.0.2.7", false, 0L);
    request.take(part("hello world", true), 1_000, 100);
    request.writeBody(first);
    request.rewind(); // the first replica said it never processed it
    request.writeBody(second);

    assertThat(request.retryable()).as("not after any failure: a POST may have been processed").isFalse();
    assertThat(request.replayable()).isTrue();
    assertThat(written(first)).isEqualTo("hello world");
    assertThat(written(second)).isEqualTo("hello world");
    request.stopKeeping(); // the second replica answered
    assertThat(request.replayable()).isFalse();
  }

  @Test
  void aBodyThatOutgrowsTheRetryLimitBetweenTwoReplicasStillReachesTheSecondWhole() {
    ClientRequest request = put();
    request.take(part("0123456789", false), 1_000, 12);
    request.writeBody(first);
    request.rewind(); // the first replica left the ring; the next connection is not made yet

    request.take(part("abcdef", true), 1_000, 12); // past the retry limit: no later replica can be sent the body again
    request.writeBody(second);

    assertThat(request.retryable()).isFalse();
    assertThat(written(second)).as("the part the first replica had is not let go as sent").isEqualTo("0123456789abcdef");
    request.release();
  }

  @Test
  void oncePastTheRetryLimitWhatWasSentIsLetGo() {
    ClientRequest request = put();
    HttpContent sent = part("0123456789", false);
    request.take(sent, 1_000, 12);
    request.writeBody(first);

    request.take(part("abcdef", true), 1_000, 12);

    assertThat(sent.refCnt()).as("only the first replica's copy holds it").isEqualTo(1);
    request.writeBody(first);
    assertThat(written(first)).isEqualTo("0123456789abcdef");
  }

  @Test
  void aBodyOverTheLimitIsRefusedAndLetGo() {
    ClientRequest request = put();
    HttpContent large = part("0123456789", true);

    assertThat(request.take(large, 5, 5)).isFalse();
    assertThat(large.refCnt()).isZero();
    assertThat(request.complete()).isTrue();
  }

  @Test
  void whatTheClientSentIsKeptForTheAccessLogAndTheHeadForTheReplica() {
    ClientRequest request = put();

    assertThat(request.method).isEqualTo("PUT");
    assertThat(request.expectsBody).isTrue();
    assertThat(request.keepAlive).isTrue();
    assertThat(request.outbound.headers().get("X-Forwarded-For")).isEqualTo("192.0.2.7");
    request.release();
  }
}
