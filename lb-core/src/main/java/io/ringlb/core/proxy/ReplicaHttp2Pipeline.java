package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.Future;
import io.ringlb.core.time.EngineClock;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * The handlers of an HTTP/2 connection to a replica: Netty's frame codec as a client (no server
 * push; streams past the replica's limit wait in it), one child channel per request's stream, in
 * which Netty's conversion makes the frames the {@code HttpObject}s an HTTP/1.1 connection gives,
 * so the same {@link ReplicaConnection} and {@link Exchange} serve both.
 */
final class ReplicaHttp2Pipeline {

  private ReplicaHttp2Pipeline() {}

  /** Adds the connection's handlers to {@code pipeline}, after TLS's if there is TLS. */
  static void install(ChannelPipeline pipeline, ProxySettings settings, EngineClock clock) {
    Http2FrameCodec frames = Http2FrameCodecBuilder.forClient()
        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).maxHeaderListSize(ReplicaPools.MAX_RESPONSE_HEADER_BYTES))
        .encoderEnforceMaxConcurrentStreams(true)
        .validateHeaders(true)
        .build();
    // ahead of the codec, so every frame read counts: behind the multiplexer it would see only the connection's own frames; a
    // connection with no stream open closes after lb.forward.idle-timeout-ms, as an HTTP/1.1 one does in its pool
    pipeline.addLast(IdleTimer.reading(clock, settings.replicaIdleTimeout()),
        frames,
        new Http2MultiplexHandler(new RefusedPush()),
        new FirstSettings(),
        new IdleHttp2Connection(frames),
        new WiderWindow(settings.maxConcurrentStreams()),
        ConnectionLost.INSTANCE);
  }

  /**
   * Completes once the replica's first SETTINGS frame has been read on {@code connection}, or fails
   * if the connection closes before: no stream opens before, since that frame says how many the
   * replica takes at once ({@code SETTINGS_MAX_CONCURRENT_STREAMS}), and the codec holds back the
   * streams past it only once it knows. Streams opened sooner, in a burst on a new connection, would
   * be refused by a replica that holds to its limit (gRPC's servers, Envoy, nghttpd), as grpc-java
   * waits for that frame too.
   */
  static Future<Void> settingsReceived(Channel connection) {
    FirstSettings first = connection.pipeline().get(FirstSettings.class);
    return first == null ? connection.newSucceededFuture() : first.received;
  }

  /** What each stream's channel is given: the conversion to {@code HttpObject}s, the response timeout, and the exchange's end. */
  static ChannelHandler streamHandlers(ProxySettings settings, EngineClock clock) {
    return new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        IdleTimer silence = IdleTimer.reading(clock, settings.responseTimeout());
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), silence, new ReplicaConnection(silence));
      }
    };
  }

  /**
   * Widens the connection's window as the client side's is (see {@link Http2Pipeline}), once the
   * codec has sent its preface: a stream held back for a slow client must not hold every other's.
   */
  private static final class WiderWindow extends ChannelInboundHandlerAdapter {

    private final int streams;

    WiderWindow(int streams) {
      this.streams = streams;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Http2Pipeline.connectionWindow(streams));
      ctx.pipeline().remove(this);
      ctx.fireChannelActive();
    }
  }

  /** Watches for the replica's first SETTINGS frame ({@link #settingsReceived}), then leaves the pipeline. */
  private static final class FirstSettings extends ChannelInboundHandlerAdapter {

    private ChannelPromise received;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      received = ctx.newPromise();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2SettingsFrame) {
        received.trySuccess();
        ctx.pipeline().remove(this);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      received.tryFailure(new ClosedChannelException());
      ctx.fireChannelInactive();
    }
  }

  /**
   * The connection failed on a read or write (the replica reset it, its process killed): it
   * closes, and its streams learn of that as their end, their exchanges failing over or breaking
   * off as over HTTP/1.1. No failure of the balancer's own, so not Netty's warning with a stack
   * trace for each; anything else that reaches here is one, and goes on to be logged.
   */
  @ChannelHandler.Sharable
  private static final class ConnectionLost extends ChannelInboundHandlerAdapter {

    static final ConnectionLost INSTANCE = new ConnectionLost();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException) {
        ctx.close();
      } else {
        ctx.fireExceptionCaught(cause);
      }
    }
  }

  /** Server push is off (SETTINGS_ENABLE_PUSH 0): a stream the replica opens anyway is closed. */
  @ChannelHandler.Sharable
  private static final class RefusedPush extends ChannelInboundHandlerAdapter {

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      Channel pushed = ctx.channel();
      pushed.close();
    }
  }
}
