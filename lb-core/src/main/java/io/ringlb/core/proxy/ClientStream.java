package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream from a client: one request, routed on its own key, whatever else its
 * connection carries. Its child channel's frames arrive as Netty's {@code HttpObject}s (through
 * {@code Http2StreamFrameToHttpObjectCodec}), so the same {@link Exchange} forwards it as an
 * HTTP/1.1 request, retries and observers included. Back-pressure is the stream's flow control:
 * while the exchange pauses reading, the stream's window is not opened again.
 */
final class ClientStream extends ChannelDownstream {

  /** How an HTTP/2 request shows in the access log. */
  static final HttpVersion HTTP_2 = HttpVersion.valueOf("HTTP/2.0");

  private final Plane plane;
  private final ReplicaPools pools;
  private Exchange exchange;
  private boolean begun;

  ClientStream(Plane plane, ReplicaPools pools) {
    this.plane = plane;
    this.pools = pools;
  }

  @Override
  protected Exchange exchange() {
    return exchange;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (!begun && msg instanceof HttpRequest request) {
      begun = true;
      begin(request);
    } else if (exchange != null && msg instanceof HttpContent content) {
      exchange.onRequestContent(content);
    } else {
      ReferenceCountUtil.release(msg); // the rest of a request already answered
    }
  }

  private void begin(HttpRequest request) {
    ProxyHeaders.dropConversionHeaders(request.headers());
    HttpRequest head = new DefaultHttpRequest(HTTP_2, request.method(), request.uri(), request.headers());
    DefaultLastHttpContent whole = request instanceof FullHttpRequest full ? new DefaultLastHttpContent(full.content(), full.trailingHeaders()) : null;
    long length = HttpUtil.getContentLength(head, -1L);
    if (length > plane.settings().maxBodyBytes()) {
      ReferenceCountUtil.release(whole);
      refuse(head, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "The request body of " + length + " bytes is larger than " + plane.settings().maxBodyBytes() + " bytes (lb.forward.max-body-bytes)");
      return;
    }
    try {
      exchange = new Exchange(this, plane, pools, head, Route.of(plane, head, address()));
    } catch (RuntimeException routing) {
      ReferenceCountUtil.release(whole); // a key extractor that failed: the stream is reset below, its body let go here
      throw routing;
    }
    exchange.start();
    if (whole != null) {
      if (exchange != null) {
        exchange.onRequestContent(whole); // a stream that ended with its headers: its (empty) body ends the request
      } else {
        whole.release();
      }
    }
  }

  /** Answers with an error of the data plane's own before any exchange began, and logs it; what the client still sends is let go. */
  private void refuse(HttpRequest head, HttpResponseStatus status, String problem) {
    FullHttpResponse answer = Answers.isGrpc(head) ? Answers.grpcFailure(status, problem, false) : Answers.failure(status, problem, HTTP_2, true);
    if (plane.logsAccess()) {
      long now = plane.nanoTime().getAsLong();
      plane.accessLog().log(new AccessLogEntry(address(), head.method().name(), head.uri(), HTTP_2.text(), status.code(), answer.content().readableBytes(),
          AccessLogEntry.NO_REPLICA, now, now));
    }
    ctx.writeAndFlush(answer);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.onClientReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.onClientGone(); // reset by the client, or its connection gone
      exchange = null;
    }
    context.fireChannelInactive();
  }

  /**
   * A stream's own idle timeout ({@code lb.client.idle-timeout-ms}): a body that stalls is
   * answered 408, as over HTTP/1.1; an answer the client takes nothing of (its flow-control
   * window shut) for the whole timeout resets the stream, which frees the replica.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object event) {
    if (!(event instanceof IdleStateEvent idle)) {
      context.fireUserEventTriggered(event);
    } else if (exchange == null) {
      context.close(); // answered, yet open a whole idle timeout on: a client that never ends its body, or never takes the answer's end
    } else if (idle.state() == IdleState.WRITER_IDLE && !context.channel().isWritable()) {
      context.close();
    } else if (idle.state() == IdleState.READER_IDLE && !exchange.requestComplete() && context.channel().config().isAutoRead()) {
      exchange.onClientStalled();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.close(); // the stream is reset; the connection and its other streams go on
  }

  // ---- the exchange's downstream ----

  /**
   * The answer's end also ended the stream; an HTTP/2 connection is never closed for one
   * request's sake. What the client still sends of a body answered early (a refusal) is read and
   * let go, so its flow control does not hold the stream open.
   */
  @Override
  public void exchangeDone(boolean keepAlive) {
    exchange = null;
    ctx.flush();
    reading(true);
  }

  /** The answer broke off midway: the stream is reset, which tells the client it is not whole. */
  @Override
  public void abort() {
    exchange = null;
    ctx.flush();
    ctx.close();
  }

  /** HTTP/2 has no {@code 101}: a request cannot switch its stream's protocol (RFC 9113, 8.6). */
  @Override
  public Channel becomeTunnel(Channel replica) {
    throw new UnsupportedOperationException("an HTTP/2 stream does not switch protocols");
  }
}
