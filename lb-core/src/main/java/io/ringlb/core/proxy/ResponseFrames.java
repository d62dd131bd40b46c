package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * An answer's parts, as the exchange relays them ({@code HttpObject}s), written as the HTTP/2
 * frames of one stream: the head as HEADERS, the body as DATA, trailers as a last HEADERS, the
 * stream ended by the last frame. The same mapping as Netty's
 * {@code Http2StreamFrameToHttpObjectCodec}, without a channel per stream to run it on.
 */
final class ResponseFrames {

  private ResponseFrames() {}

  /**
   * Writes {@code message} to {@code stream} through {@code ctx}, unflushed; what it holds goes
   * with the frames, or is let go. Headers are converted before anything is written, so a head
   * that cannot be converted fails with nothing sent and nothing held.
   */
  static void write(ChannelHandlerContext ctx, Http2FrameStream stream, HttpObject message) {
    Http2Headers head;
    Http2Headers trailers;
    try {
      // not validated again: the names were checked as tokens where the answer was read (the replica's codec), or are the
      // balancer's own, and the conversion lowercases them
      head = message instanceof HttpResponse response ? HttpConversionUtil.toHttp2Headers(response, false) : null;
      trailers = message instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()
          ? HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false) : null;
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(message);
      throw e;
    }
    if (head != null && ((HttpResponse) message).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ctx.write(new DefaultHttp2HeadersFrame(head, false).stream(stream)); // 100, 103: the answer follows on the same stream
      ReferenceCountUtil.release(message);
      return;
    }
    if (!(message instanceof HttpContent content)) {
      ctx.write(new DefaultHttp2HeadersFrame(head, false).stream(stream));
      return;
    }
    boolean last = message instanceof LastHttpContent;
    boolean data = content.content().isReadable() || last && trailers == null && head == null; // an empty last DATA ends the stream
    if (head != null && last && !data && trailers == null && head.contains(Answers.GRPC_STATUS)) {
      // gRPC's trailers-only answer (the data plane's own failures, as Answers makes them): gRPC reads each of its fields as
      // trailing metadata, where the content-length HTTP/1.1's framing needed would show as one
      head.remove(HttpHeaderNames.CONTENT_LENGTH);
    }
    if (head != null) {
      ctx.write(new DefaultHttp2HeadersFrame(head, last && !data && trailers == null).stream(stream));
    }
    if (data) {
      ctx.write(new DefaultHttp2DataFrame(content.content(), last && trailers == null).stream(stream));
    } else {
      content.release();
    }
    if (trailers != null) {
      ctx.write(new DefaultHttp2HeadersFrame(trailers, true).stream(stream));
    }
  }
}
