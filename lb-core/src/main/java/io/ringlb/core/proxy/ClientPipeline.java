package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.ringlb.core.time.EngineClock.Cancellable;
import io.ringlb.core.tls.ServerTls;
import java.util.Optional;
import java.util.function.Function;

/**
 * The handlers of one client connection. On the cleartext port: the {@link PrefaceSniffer} that
 * tells HTTP/2 by prior knowledge from HTTP/1.1, then either {@link Http2Pipeline}'s handlers or
 * the HTTP/1.1 ones. On the TLS port: the TLS handler, then whichever of the two ALPN chose,
 * HTTP/1.1 when the client named none.
 *
 * <p>HTTP/1.1's, in order: the watch that starts a request's header timeout at its first byte,
 * the strict codec, the idle handler (reader idle: nothing from the client; writer idle: the
 * connection looks at what the client took of its answer), and the {@link ClientConnection}
 * that forwards each request. An HTTP/2 connection keeps the idle handler.
 */
final class ClientPipeline extends ChannelInitializer<Channel> {

  private static final System.Logger LOG = System.getLogger(ClientPipeline.class.getName());

  private static final String IDLE = "idle";
  private static final String HEAD_WATCH = "head-watch";

  private final Plane plane;
  private final Function<EventLoop, ReplicaPools> pools;
  private final HttpDecoderConfig decoding;
  private final Optional<ServerTls> tls;
  private final Http2Connections http2;

  /**
   * @param pools the replica pools of the event loop a connection is on
   * @param tls the TLS the port serves; empty for the cleartext port
   * @param http2 where each connection that turns out to speak HTTP/2 is kept, for a GOAWAY when the data plane stops
   */
  ClientPipeline(Plane plane, Function<EventLoop, ReplicaPools> pools, Optional<ServerTls> tls, Http2Connections http2) {
    this.plane = plane;
    this.pools = pools;
    this.tls = tls;
    this.http2 = http2;
    this.decoding = new HttpDecoderConfig()
        .setMaxInitialLineLength(plane.settings().maxHeaderBytes())
        .setMaxHeaderSize(plane.settings().maxHeaderBytes())
        .setMaxChunkSize(ReplicaPools.MAX_CHUNK_BYTES);
  }

  @Override
  protected void initChannel(Channel channel) {
    ReplicaPools loopPools = pools.apply(channel.eventLoop());
    ChannelPipeline pipeline = channel.pipeline();
    if (tls.isPresent()) {
      SslHandler handshake = tls.get().newHandler(channel.alloc());
      // the handshake is bounded as a request's head is, on the engine's clock: Netty's own timer would run on real time. One
      // not done by then (a client that stalls or trickles it, as a slowloris does a head) is counted; a connection closed
      // first fails the handshake, which cancels the bound
      handshake.setHandshakeTimeoutMillis(0);
      Cancellable unshaken = plane.clock().schedule(plane.settings().headerTimeout(), () -> {
        plane.events().clientConnectionFailed("tls_handshake_timeout");
        channel.close();
      }, channel.eventLoop());
      handshake.handshakeFuture().addListener(done -> unshaken.cancel());
      pipeline.addLast(handshake, new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
          if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            pipeline.addLast(IDLE, http2Idle());
            Http2Pipeline.install(pipeline, IDLE, plane, loopPools, http2);
          } else {
            http1(pipeline, loopPools);
          }
        }

        /** Whether the handshake failed: told once, whether the failure came as an exception, an event or both. */
        private boolean failed;

        // a scanner, a client of TLS 1.1 or of no TLS at all: counted and closed, as HAProxy and nginx count and close one,
        // without the warning and stack trace Netty would log for each. A connection closed before its handshake finished (a
        // TCP probe, a client gone) is no failure of the handshake's, and Netty tells it to no one here
        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
          if (failed) {
            return;
          }
          failed = true;
          LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + cause);
          plane.events().clientConnectionFailed("tls_handshake");
          ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
          if (handshake.handshakeFuture().isSuccess()) {
            super.exceptionCaught(ctx, cause); // after the handshake, in setting the protocol up: a failure of the balancer's own
          } else {
            handshakeFailure(ctx, cause);
          }
        }
      });
      return;
    }
    ClientConnection connection = http1(pipeline, loopPools);
    pipeline.addFirst(new PrefaceSniffer(() -> {
      pipeline.remove(ClientCodec.class);
      pipeline.remove(connection);
      pipeline.remove(HEAD_WATCH);
      pipeline.replace(IDLE, IDLE, http2Idle());
      Http2Pipeline.install(pipeline, IDLE, plane, loopPools, http2);
    }));
  }

  /** Adds HTTP/1.1's handlers at the end of the pipeline; answers the connection that forwards its requests. */
  private ClientConnection http1(ChannelPipeline pipeline, ReplicaPools loopPools) {
    ClientConnection connection = new ClientConnection(plane, loopPools);
    pipeline.addLast(HEAD_WATCH, connection.headWatch());
    pipeline.addLast(new ClientCodec(decoding));
    pipeline.addLast(IDLE, idle());
    pipeline.addLast(connection);
    return connection;
  }

  private IdleTimer idle() {
    return IdleTimer.readingAndWriting(plane.clock(), plane.settings().idleTimeout());
  }

  /**
   * An HTTP/2 connection's: reading alone, for {@link IdleHttp2Connection}; a stream's answer the
   * client does not take is its stream's business ({@link ClientStream}), and watching every
   * frame written would cost each a listener.
   */
  private IdleTimer http2Idle() {
    return IdleTimer.reading(plane.clock(), plane.settings().idleTimeout());
  }
}
