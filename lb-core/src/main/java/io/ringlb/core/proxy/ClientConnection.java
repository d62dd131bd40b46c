package io.ringlb.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.util.ArrayDeque;

/**
 * One client's connection: requests are taken one at a time, in order (a pipelined request waits
 * until the answer before it is complete, as RFC 9112 wants), each forwarded by an
 * {@link Exchange}. The connection reads freely and pauses only while a body has nowhere to go
 * or a pipelining client is ahead of its answers.
 *
 * <p>Its limits: a request's headers must be complete within {@code headerTimeout} of its first
 * byte (of the connection's start, for the first request; of when it is waited for, for one begun
 * behind the request before it), an idle connection, or one whose
 * client takes nothing of its answer, is closed after {@code idleTimeout}, and a request line or headers over {@code maxHeaderBytes} or a body over
 * {@code maxBodyBytes} are refused. Each refusal is an answer in the API's JSON shape, and a line
 * of the access log.
 */
final class ClientConnection extends ChannelDownstream {

  private final Plane plane;
  private final ReplicaPools pools;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private Exchange exchange;
  private boolean awaitingHead = true;
  private boolean headStarted;
  /** The last request was answered before its body had all come: the rest is read and let go before the next request. */
  private boolean draining;
  private boolean closing;
  private ClientCodec codec;
  /** What the connection waits on the client for between answers, bounded by the header timeout: a head, or the rest of a body let go. */
  private Cancellable headerTimer = Cancellable.NONE;
  /** The header timeout's task, made once per connection: a timer is set for every request. */
  private final Runnable headersTooSlow = this::headersTooSlow;
  /** The write the client was taking at the last writer-idle event, and how far it had got. */
  private int lookedAtWrite;
  private long lookedAtProgress = -1;

  ClientConnection(Plane plane, ReplicaPools pools) {
    this.plane = plane;
    this.pools = pools;
  }

  /** Sits before the HTTP decoder: the first byte of a request starts its header timeout. */
  ChannelInboundHandlerAdapter headWatch() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext watched, Object msg) {
        if (awaitingHead && !headStarted && msg instanceof ByteBuf bytes && bytes.isReadable()) {
          headStarted = true;
          startHeaderTimer();
        }
        watched.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext added) {
    super.handlerAdded(added);
    if (added.channel().isActive()) {
      // added once TLS chose HTTP/1.1: the first request's headers are timed from then
      headStarted = true;
      startHeaderTimer();
    }
  }

  /** Taken out of the pipeline, as when the connection turns out to speak HTTP/2: its header timeout is no longer its to keep. */
  @Override
  public void handlerRemoved(ChannelHandlerContext removed) {
    cancelHeaderTimer();
  }

  @Override
  public void channelActive(ChannelHandlerContext active) {
    // the first request's headers are timed from the connection's start, as HAProxy's timeout http-request
    headStarted = true;
    startHeaderTimer();
    active.fireChannelActive();
  }

  // ---- reading ----

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (!pipelined.isEmpty() || (exchange != null && exchange.requestComplete())) {
      pipelined.add(msg); // the next request, already read: it waits for the answer before it
      reading(false);
    } else {
      dispatch(msg);
    }
  }

  private void dispatch(Object msg) {
    if (exchange != null) {
      exchange.onRequestContent((HttpContent) msg);
    } else if (msg instanceof HttpRequest request) {
      begin(request);
    } else {
      ReferenceCountUtil.release(msg); // the rest of a request already answered
      if (draining && msg instanceof LastHttpContent) {
        draining = false;
        cancelHeaderTimer();
        awaitHead();
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.onClientReadComplete();
    }
  }

  @Override
  protected Exchange exchange() {
    return exchange;
  }

  // ---- one request ----

  private void begin(HttpRequest request) {
    awaitingHead = false;
    cancelHeaderTimer();
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      ReferenceCountUtil.release(request); // the decoder's stand-in for what it could not read
      Throwable cause = decoded.cause();
      long now = accessLogTime();
      if (cause instanceof TooLongHttpHeaderException) {
        refuseAndClose(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            Answers.headersTooLarge(plane.settings().maxHeaderBytes()), null, now);
      } else if (cause instanceof TooLongHttpLineException) {
        refuseAndClose(HttpResponseStatus.REQUEST_URI_TOO_LONG, "The request line is longer than " + plane.settings().maxHeaderBytes() + " bytes",
            null, now);
      } else {
        refuseAndClose(HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request: " + cause.getMessage(), null, now);
      }
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      // closed after: a client may send its tunnel's first bytes at once, and they are no request
      refuseAndClose(HttpResponseStatus.NOT_IMPLEMENTED, Answers.NO_TUNNELS, request, accessLogTime());
      return;
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > plane.settings().maxBodyBytes()) {
      refuseAndClose(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "The request body of " + length + " bytes is larger than " + plane.settings().maxBodyBytes() + " bytes (lb.forward.max-body-bytes)",
          request, accessLogTime());
      return;
    }
    exchange = new Exchange(this, plane, pools, request, Route.of(plane, request, address()));
    exchange.start();
  }

  /** The exchange has answered; the connection takes the next request or closes. */
  @Override
  public void exchangeDone(boolean keepAlive) {
    boolean bodyToCome = !exchange.requestComplete();
    exchange = null;
    if (!keepAlive) {
      closeAfterWrites();
      return;
    }
    ctx.flush();
    if (bodyToCome) {
      draining = true; // nothing is pipelined behind a request not yet whole
      // and all of it within the header timeout, as a head must come (nginx's lingering_time): bounded only per stall, a
      // client trickling it would hold the connection an idle timeout for each byte
      cancelHeaderTimer();
      headerTimer = plane.clock().schedule(plane.settings().headerTimeout(), this::drainTooSlow, ctx.executor());
      reading(true);
      return;
    }
    awaitHead();
  }

  /** Between requests: the next one's header timeout starts with its first byte; pipelined requests are taken in order. */
  private void awaitHead() {
    awaitingHead = true;
    headStarted = false;
    while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete())) {
      dispatch(pipelined.poll());
    }
    if (exchange != null) {
      exchange.onClientReadComplete(); // what the queue held goes out now: no read will follow to flush it
    }
    if (!closing) {
      if (exchange == null && codec().midHead()) {
        // the next head began in a read that came before this wait did: timed from now, as no read may follow to start it
        headStarted = true;
        startHeaderTimer();
      }
      reading(exchange == null || exchange.readyForBody());
    }
  }

  /** The connection's codec, looked up once: it leaves the pipeline only with this handler. */
  private ClientCodec codec() {
    if (codec == null) {
      codec = ctx.pipeline().get(ClientCodec.class);
    }
    return codec;
  }

  // ---- the exchange's downstream ----

  /** The answer broke off midway: the connection closes. */
  @Override
  public void abort() {
    exchange = null;
    closing = true;
    releasePipelined();
    ctx.flush();
    ctx.close();
  }

  /** After a {@code 101}: this connection passes bytes to and from {@code replica} from now on. */
  @Override
  public Channel becomeTunnel(Channel replica) {
    exchange = null;
    closing = true;
    releasePipelined();
    cancelHeaderTimer();
    ctx.flush(); // the 101, encoded while this connection still spoke HTTP
    ChannelPipeline pipeline = ctx.pipeline();
    ClientCodec codec = codec();
    codec.removeOutboundHandler();
    pipeline.addLast(new Tunnel(replica));
    pipeline.remove(IdleTimer.class);
    pipeline.remove(this);
    pipeline.remove(codec);
    return ctx.channel();
  }

  // ---- limits ----

  /**
   * Answers with an error of the data plane's own and closes.
   *
   * @param request the request refused, {@code null} when it could not be read
   * @param startedNanos since when the request was waited for, for the access log
   */
  private void refuseAndClose(HttpResponseStatus status, String problem, HttpRequest request, long startedNanos) {
    FullHttpResponse answer = Answers.failure(status, problem, true);
    plane.events().answeredItself(status.code());
    if (plane.logsAccess()) {
      int bytes = answer.content().readableBytes();
      long now = plane.nanoTime();
      plane.accessLog().log(request == null
          ? AccessLogEntry.unread(address(), status.code(), bytes, startedNanos, now)
          : new AccessLogEntry(address(), request.method().name(), request.uri(), request.protocolVersion().text(), status.code(), bytes,
              AccessLogEntry.NO_REPLICA, startedNanos, now));
    }
    ctx.write(answer);
    closeAfterWrites();
  }

  /** The plane's clock for the access log; not read without one. */
  private long accessLogTime() {
    return plane.logsAccess() ? plane.nanoTime() : 0L;
  }

  private void closeAfterWrites() {
    closing = true;
    releasePipelined();
    cancelHeaderTimer();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void startHeaderTimer() {
    cancelHeaderTimer();
    headerTimer = plane.clock().schedule(plane.settings().headerTimeout(), headersTooSlow, ctx.executor());
  }

  private void headersTooSlow() {
    if (awaitingHead && !closing) {
      refuseAndClose(HttpResponseStatus.REQUEST_TIMEOUT,
          "The request headers took longer than " + plane.settings().headerTimeout().toMillis() + " ms (lb.client.header-timeout-ms)", null,
          accessLogTime() - plane.settings().headerTimeout().toNanos());
    }
  }

  /** The rest of a body answered early did not all come within the header timeout: it has had its answer, and no other comes on this connection. */
  private void drainTooSlow() {
    if (draining && !closing) {
      closeAfterWrites();
    }
  }

  private void cancelHeaderTimer() {
    headerTimer.cancel();
    headerTimer = Cancellable.NONE;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object event) {
    if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
      if (tookNothingSinceLastLook()) {
        context.close(); // the client took nothing of its answer for an idle timeout, as HAProxy's timeout client: the replica is freed
      }
      return;
    }
    if (!(event instanceof IdleStateEvent) || closing) {
      context.fireUserEventTriggered(event);
      return;
    }
    if (exchange == null && awaitingHead && !headStarted) {
      closeAfterWrites(); // idle between requests: closed without an answer, as HAProxy's timeout http-keep-alive
    } else if (draining) {
      closeAfterWrites(); // the rest of an answered request's body stalled: it has had its answer, and no other comes on this connection
    } else if (exchange != null && !exchange.requestComplete() && context.channel().config().isAutoRead()) {
      exchange.onClientStalled();
    }
  }

  /**
   * Whether bytes wait for the client and it has taken none of them since the last writer-idle
   * event, an idle timeout ago. Progress is looked at here, byte by byte, since the idle handler
   * counts only whole writes: a client taking a large chunk slowly finishes none for a while.
   */
  private boolean tookNothingSinceLastLook() {
    ChannelOutboundBuffer unsent = ctx.channel().unsafe().outboundBuffer();
    if (unsent == null || unsent.totalPendingWriteBytes() == 0) {
      lookedAtWrite = 0;
      lookedAtProgress = -1;
      return false;
    }
    int write = System.identityHashCode(unsent.current());
    long progress = unsent.currentProgress();
    boolean stalled = write == lookedAtWrite && progress == lookedAtProgress;
    lookedAtWrite = write;
    lookedAtProgress = progress;
    return stalled;
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    closing = true;
    cancelHeaderTimer();
    releasePipelined();
    if (exchange != null) {
      exchange.onClientGone();
      exchange = null;
    }
    context.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    // a reset by the client, or a write to a closed connection: nothing to answer, nothing to keep
    context.close();
  }

  private void releasePipelined() {
    while (!pipelined.isEmpty()) {
      ReferenceCountUtil.release(pipelined.poll());
    }
  }
}
