package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Netty's frame codec for a client's HTTP/2 connection, which writes one answer itself: the
 * {@code 431} of a request whose header list is larger than {@code lb.client.max-header-bytes},
 * sent as the codec stops decoding it, before the request reaches the streams' handler. That
 * answer goes in the access log here, unread, as an HTTP/1.1 connection's {@code 431} does.
 */
final class ClientFrameCodec extends Http2FrameCodec {

  private final Plane plane;

  ClientFrameCodec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings, boolean decoupleCloseAndGoAway,
      boolean flushPreface, Plane plane) {
    super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
    this.plane = plane;
  }

  @Override
  protected void handleServerHeaderDecodeSizeError(ChannelHandlerContext ctx, Http2Stream stream) {
    super.handleServerHeaderDecodeSizeError(ctx, stream);
    if (plane.logsAccess()) {
      long now = plane.nanoTime();
      plane.accessLog().log(AccessLogEntry.unread(ChannelDownstream.clientAddress(ctx.channel()), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.code(),
          0, now, now));
    }
  }
}
