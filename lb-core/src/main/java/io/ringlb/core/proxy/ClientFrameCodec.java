package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.Locale;

/**
 * Netty's frame codec for a client's HTTP/2 connection, with what it does alone told to the
 * balancer's log and meters. It writes one answer itself: the {@code 431} of a request whose
 * header list is larger than {@code lb.client.max-header-bytes}, sent as it stops decoding it
 * (with the API's JSON body here),
 * before the request reaches the streams' handler; that answer goes in the access log here,
 * unread, as an HTTP/1.1 connection's {@code 431} does. And it ends a connection for an error of
 * the connection's, the client's (a rapid reset, a flood of CONTINUATION frames, a frame out of
 * place) or one its own limits raise (too many streams it had to reset itself, as MadeYouReset
 * makes it), which is counted here, once, by its code ({@link RequestEvents#clientConnectionFailed}).
 * It also settles the stream errors of streams Netty no longer has, or has not made yet
 * ({@link #onError}): the late frames of a stream it reset, and a head its decoder refused.
 */
final class ClientFrameCodec extends Http2FrameCodec {

  /** How many of the streams this end reset are remembered: a power of two, and more than a few round trips bring. */
  private static final int RESETS_KEPT = 64;

  private final Plane plane;
  private boolean failed;
  /** The streams this end reset last, a ring: what their clients sent before they read the reset is ignored. */
  private final int[] resets = new int[RESETS_KEPT];
  private int nextReset;

  ClientFrameCodec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings, boolean decoupleCloseAndGoAway,
      boolean flushPreface, Plane plane) {
    super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
    this.plane = plane;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Http2ResetFrame reset && reset.stream() != null) {
      resets[nextReset++ & (RESETS_KEPT - 1)] = reset.stream().id();
    }
    super.write(ctx, msg, promise);
  }

  /**
   * Two stream errors on a stream Netty no longer has are the balancer's to settle. A frame on a
   * stream this end reset, which its client sent before it read the reset, is ignored (RFC 9113,
   * 5.1), where Netty, the stream gone from its map, would reset it again for each frame (the
   * decoder has given back the connection's window for it already). And a request head the HPACK
   * decoder refused as malformed (a connection-specific field, a name in capitals, a
   * pseudo-header out of place: 8.2 and 8.3) is refused before its stream is made: reset as a
   * stream that never was, the body its client goes on sending would be DATA on a stream that
   * could not have existed, a connection error (5.1.1) that ends every other stream too. Made here
   * first, as Netty makes the stream of a header list too long to read, it is reset as any
   * stream is, and what follows on it is let go.
   */
  @Override
  public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
    if (!outbound && Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.StreamException streamError
        && connection().stream(streamError.streamId()) == null) {
      int id = streamError.streamId();
      if (streamError.error() == Http2Error.STREAM_CLOSED && resetHere(id)) {
        return;
      }
      Http2Connection.Endpoint<?> clients = connection().remote();
      if (!(streamError instanceof Http2Exception.HeaderListSizeException) && clients.isValidStreamId(id) && !clients.mayHaveCreatedStream(id)) {
        try {
          clients.createStream(id, false);
        } catch (Http2Exception notAllowed) {
          // past the stream limit, or after a GOAWAY: reset as an unknown stream, as Netty does
        }
      }
    }
    super.onError(ctx, outbound, cause);
  }

  private boolean resetHere(int id) {
    for (int reset : resets) {
      if (reset == id) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception http2Ex) {
    if (http2Ex != null && !failed) { // null: not HTTP/2's, such as a client that reset the connection
      failed = true;
      plane.events().clientConnectionFailed("http2_" + http2Ex.error().name().toLowerCase(Locale.ROOT));
    }
    super.onConnectionError(ctx, outbound, cause, http2Ex);
  }

  /**
   * The {@code 431}, in the API's JSON shape as over HTTP/1.1, where Netty's own has no body. Netty
   * resets the stream right after, which would drop a body still queued in the flow controller
   * (behind other streams' data, or a connection the client is slow to read): so the body goes
   * to the frame writer at once, the connection's window debited by hand, or, when the client's
   * windows cannot take it, the answer is Netty's. The request's method is not known here: the
   * answer to a {@code HEAD} gets the body too.
   */
  @Override
  protected void handleServerHeaderDecodeSizeError(ChannelHandlerContext ctx, Http2Stream stream) {
    HttpResponseStatus status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    FullHttpResponse answer = Answers.failure(status, Answers.headersTooLarge(plane.settings().maxHeaderBytes()), ClientStream.HTTP_2, true);
    int bytes = answer.content().readableBytes();
    Http2RemoteFlowController windows = encoder().flowController();
    if (windows.windowSize(stream) >= bytes && windows.windowSize(connection().connectionStream()) >= bytes) {
      encoder().writeHeaders(ctx, stream.id(), HttpConversionUtil.toHttp2Headers(answer, false), 0, false, ctx.newPromise());
      frameWriter().writeData(ctx, stream.id(), answer.content(), 0, true, ctx.newPromise());
      try {
        windows.incrementWindowSize(connection().connectionStream(), -bytes); // the stream's own ends with the reset
      } catch (Http2Exception cannot) {
        throw new IllegalStateException(cannot); // a window made smaller never overflows
      }
    } else {
      answer.release();
      bytes = 0;
      super.handleServerHeaderDecodeSizeError(ctx, stream);
    }
    plane.events().answeredItself(status.code());
    if (plane.logsAccess()) {
      long now = plane.nanoTime();
      plane.accessLog().log(AccessLogEntry.unread(ChannelDownstream.clientAddress(ctx.channel()), status.code(), bytes, now, now));
    }
  }
}
