package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.StreamBufferingEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.core.health.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The last handler of a pooled connection to a replica: hands what the replica sends to the
 * exchange the connection serves now. A connection serves one exchange at a time; between
 * exchanges anything the replica sends is a protocol error and closes it.
 */
final class ReplicaConnection extends ChannelInboundHandlerAdapter {

  private final IdleTimer silence;
  private Exchange exchange;
  /**
   * How many exchanges it has served, the one under way included: more than one once it was kept
   * alive. An HTTP/2 stream has a handler of its own and serves one.
   */
  private int served;
  /** Whether the replica said it never processed this stream's request: by REFUSED_STREAM, or by GOAWAY. */
  private boolean refused;

  /** @param silence the connection's idle handler: its own reader timeout is the pool's idle one, an exchange's wait the response timeout */
  ReplicaConnection(IdleTimer silence) {
    this.silence = silence;
  }

  void attach(Exchange serving) {
    this.exchange = serving;
    served++;
  }

  void detach() {
    this.exchange = null;
    silence.resetReadTimeout(); // idle in the pool from now, for the connection's own timeout, whatever the exchange waited
  }

  /**
   * Sends the request's head on {@code channel}, this connection's. On HTTP/2, a stream past the
   * replica's SETTINGS_MAX_CONCURRENT_STREAMS waits in Netty's codec, unsent; the replica's GOAWAY,
   * which can name only the streams it has seen, or the connection's end fails it there: a stream
   * the replica never processed, as those a GOAWAY names (RFC 9113, 6.8), which is told once it
   * has closed.
   */
  void sendHead(Channel channel, Object head) {
    ChannelFuture sent = channel.write(head);
    if (channel instanceof Http2StreamChannel) {
      sent.addListener(written -> refused |= neverSent(written.cause()));
    }
  }

  /** Whether {@code failure} is the codec letting go of a stream it held back, whose HEADERS never left. */
  private static boolean neverSent(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StreamBufferingEncoder.Http2GoAwayException || cause instanceof StreamBufferingEncoder.Http2ChannelClosedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The replica has the whole request: its silence counts from now, for at most {@code limit}. The
   * idle handler measures from the last read, which on a connection that sat in the pool can be
   * long ago: counted from there, its tick would come too early to count and the next one up to a
   * whole timeout late.
   */
  void awaitAnswer(Duration limit) {
    silence.resetReadTimeout(limit);
  }

  /** The replica left the ring while these channels to it served requests, which may go elsewhere now. */
  static void replicaLeft(List<Channel> inUse) {
    for (Channel channel : inUse) {
      ReplicaConnection connection = channel.pipeline().get(ReplicaConnection.class);
      if (connection != null) {
        connection.replicaLeft();
      }
    }
  }

  /** The replica left the ring while this connection served a request, which may go elsewhere now. */
  void replicaLeft() {
    if (exchange != null) {
      exchange.onReplicaLeft();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null || !(msg instanceof HttpObject object)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (object instanceof HttpResponse response && ctx.channel() instanceof Http2StreamChannel) {
      ProxyHeaders.dropConversionHeaders(response.headers());
    }
    exchange.onResponse(object);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onReplicaReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.onReplicaWritable();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    // Netty's multiplexer tells a stream of the replica's RST_STREAM, and of a GOAWAY whose last processed stream is an
    // earlier one, before it closes the stream: what they mean is acted on once it has closed, since closing it here would
    // answer with a RST_STREAM of ours (RFC 9113, 5.4.2)
    if (event instanceof Http2ResetFrame reset) {
      refused = reset.errorCode() == Http2Error.REFUSED_STREAM.code(); // reset before any processing (RFC 9113, 8.7)
      return;
    }
    if (event instanceof Http2GoAwayFrame goAway) {
      goAway.release();
      refused = true; // the GOAWAY says it never processed this stream (RFC 9113, 6.8)
      return;
    }
    if (!(event instanceof IdleStateEvent)) {
      return;
    }
    if (exchange == null && handshaking(ctx)) {
      return; // not idle but still connecting: lb.forward.connect-timeout-ms bounds that, and tells it as a connect's failure
    }
    if (exchange == null) {
      // idle in the pool for lb.forward.idle-timeout-ms (an HTTP/2 stream: the response timeout): closed before the replica
      // closes it after its own keep-alive timeout, so that no request goes out on a connection the replica is closing at that
      // moment (an idempotent one would go again, onKeptConnectionLost; another would fail)
      ctx.close();
    } else if (ctx.channel().config().isAutoRead() && exchange.awaitingReplica()) {
      // silence counts only while the replica is read, not while it is held back for a slow client
      exchange.onReplicaFailed(Outcome.TIMED_OUT, new IOException("the replica sent nothing for the response timeout"));
    }
  }

  /**
   * Whether the connection's TLS handshake is still under way: not idle but connecting, which
   * {@code lb.forward.connect-timeout-ms} bounds and tells as a connect's failure.
   */
  static boolean handshaking(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    return tls != null && !tls.handshakeFuture().isDone();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null && refused) {
      exchange.onReplicaRefused(); // never processed: it may go elsewhere, whatever its method, its body kept
    }
    if (exchange != null) {
      lost(new IOException("the replica closed the connection"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (exchange != null && cause instanceof IOException) {
      lost(cause); // reset by the replica, or a write to it failed
    } else if (exchange != null) {
      exchange.onReplicaFailed(Outcome.FAILED, cause);
    }
    ctx.close();
  }

  /** Whether it served an exchange before the one under way. */
  private boolean kept() {
    return served > 1;
  }

  /**
   * The replica ended the connection under the exchange. On a connection kept alive from an
   * earlier exchange that may be the replica closing it idle just as the request went out, the
   * race RFC 9112 (9.3.1) leaves every keep-alive client: the exchange may send it again.
   */
  private void lost(Throwable cause) {
    if (kept()) {
      exchange.onKeptConnectionLost(cause);
    } else {
      exchange.onReplicaFailed(Outcome.FAILED, cause);
    }
  }

  /**
   * After a {@code 101}: the replica's connection stops speaking HTTP and passes bytes to and from
   * {@code client}, which does the same on its side. What the replica sent after its 101 goes on
   * to the tunnel.
   */
  static void becomeTunnel(Channel replica, Downstream client) {
    ChannelPipeline pipeline = replica.pipeline();
    ReplicaCodec codec = pipeline.get(ReplicaCodec.class);
    codec.removeOutboundHandler();
    pipeline.addLast(new Tunnel(client.becomeTunnel(replica)));
    pipeline.remove(ReplicaConnection.class);
    pipeline.remove(IdleTimer.class);
    pipeline.remove(codec);
  }
}
