package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.Locale;

/**
 * Netty's frame codec for a client's HTTP/2 connection, with what it does alone told to the
 * balancer's log and meters. It writes one answer itself: the {@code 431} of a request whose
 * header list is larger than {@code lb.client.max-header-bytes}, sent as it stops decoding it,
 * before the request reaches the streams' handler; that answer goes in the access log here,
 * unread, as an HTTP/1.1 connection's {@code 431} does. And it ends a connection for an error of
 * the connection's, the client's (a rapid reset, a flood of CONTINUATION frames, a frame out of
 * place) or one its own limits raise (too many streams it had to reset itself, as MadeYouReset
 * makes it), which is counted here, once, by its code ({@link RequestEvents#clientConnectionFailed}).
 */
final class ClientFrameCodec extends Http2FrameCodec {

  private final Plane plane;
  private boolean failed;

  ClientFrameCodec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings, boolean decoupleCloseAndGoAway,
      boolean flushPreface, Plane plane) {
    super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
    this.plane = plane;
  }

  /**
   * A request head the HPACK decoder refused as malformed (a connection-specific field, a name in
   * capitals, a pseudo-header out of place: RFC 9113, 8.2 and 8.3) is a stream error, but the
   * decoder refuses it before its stream is made. Reset as a stream that never was, the body its
   * client goes on sending would be DATA on a stream that could not have existed, a connection
   * error (5.1.1) that ends every other stream too. Made here first, as Netty makes the stream of
   * a header list too long to read, it is reset as any stream is, and what follows on it is let go.
   */
  @Override
  public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
    if (!outbound && Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.StreamException refused
        && !(refused instanceof Http2Exception.HeaderListSizeException)) {
      Http2Connection.Endpoint<?> clients = connection().remote();
      int id = refused.streamId();
      if (connection().stream(id) == null && clients.isValidStreamId(id) && !clients.mayHaveCreatedStream(id)) {
        try {
          clients.createStream(id, false);
        } catch (Http2Exception notAllowed) {
          // past the stream limit, or after a GOAWAY: reset as an unknown stream, as Netty does
        }
      }
    }
    super.onError(ctx, outbound, cause);
  }

  @Override
  protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception http2Ex) {
    if (http2Ex != null && !failed) { // null: not HTTP/2's, such as a client that reset the connection
      failed = true;
      plane.events().clientConnectionFailed("http2_" + http2Ex.error().name().toLowerCase(Locale.ROOT));
    }
    super.onConnectionError(ctx, outbound, cause, http2Ex);
  }

  @Override
  protected void handleServerHeaderDecodeSizeError(ChannelHandlerContext ctx, Http2Stream stream) {
    super.handleServerHeaderDecodeSizeError(ctx, stream);
    int status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.code();
    plane.events().answeredItself(status);
    if (plane.logsAccess()) {
      long now = plane.nanoTime();
      plane.accessLog().log(AccessLogEntry.unread(ChannelDownstream.clientAddress(ctx.channel()), status, 0, now, now));
    }
  }
}
