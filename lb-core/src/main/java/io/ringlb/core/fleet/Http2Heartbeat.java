package io.ringlb.core.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.tls.ReplicaTls;
import java.net.ConnectException;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A heartbeat over HTTP/2, for replicas that speak nothing else ({@code lb.forward.protocol=h2c}
 * or {@code h2}): {@code GET <path>} on a stream of a connection made for it, by prior knowledge
 * in the clear or chosen by ALPN over TLS, as HAProxy's {@code check-proto h2} and Envoy's HTTP/2
 * health checks ask. What the answer says is read as {@link HttpHeartbeat} reads it: 200 passes,
 * 503 is not ready, anything else has failed, and nothing within the timeout has timed out.
 *
 * <p>Each heartbeat makes its own connection and closes it, as {@link GrpcHeartbeat}'s do: no
 * connection outlives a replica that has gone. They run on one event loop of their own, whose
 * thread comes from the balancer's thread factory, as the data plane's do.
 */
public final class Http2Heartbeat implements HealthProbe, AutoCloseable {

  private final EventLoopGroup loop;
  private final Duration timeout;
  private final String path;
  private final Optional<ReplicaTls> tls;

  /**
   * @param path what to {@code GET}, starting with {@code /}
   * @param tls the TLS replicas are reached through, with ALPN asking for {@code h2}; empty for h2c
   * @param threads makes the heartbeats' event loop thread
   */
  public Http2Heartbeat(Duration timeout, String path, Optional<ReplicaTls> tls, ThreadFactory threads) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a heartbeat path starts with '/', was " + path);
    }
    this.timeout = timeout;
    this.path = path;
    this.tls = tls;
    this.loop = new NioEventLoopGroup(1, threads);
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    String tried = "GET " + (tls.isPresent() ? "https://" : "http://") + replica.host() + ":" + replica.port() + path + " over HTTP/2: ";
    CompletableFuture<Heartbeat> beat = new CompletableFuture<>();
    ChannelFuture connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            tls.ifPresent(replicas -> channel.pipeline().addLast(replicas.newHandler(channel.alloc(), replica.host(), replica.port())));
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                new Failing(beat, tried));
          }
        })
        .connect(replica.host(), replica.port());
    Channel channel = connecting.channel();
    ScheduledFuture<?> deadline = loop.schedule(() -> beat.complete(new Heartbeat(Outcome.TIMED_OUT, tried + "no answer within " + timeout.toMillis() + " ms")),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    beat.whenComplete((done, never) -> {
      deadline.cancel(false);
      channel.close();
    });
    connecting.addListener((ChannelFuture connected) -> {
      if (!connected.isSuccess()) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + (connected.cause() instanceof ConnectException ? "connection refused" : describe(connected.cause()))));
        return;
      }
      channel.closeFuture().addListener(closed -> beat.complete(new Heartbeat(Outcome.FAILED, tried + "the replica closed the connection")));
      SslHandler handshaking = channel.pipeline().get(SslHandler.class);
      if (handshaking == null) {
        ask(channel, replica, beat, tried);
        return;
      }
      handshaking.handshakeFuture().addListener(handshake -> {
        if (!handshake.isSuccess()) {
          beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(handshake.cause())));
        } else if (!ApplicationProtocolNames.HTTP_2.equals(handshaking.applicationProtocol())) {
          beat.complete(new Heartbeat(Outcome.FAILED, tried + "the replica will not speak h2 by ALPN"));
        } else {
          ask(channel, replica, beat, tried);
        }
      });
    });
    return beat;
  }

  /** Opens the heartbeat's stream on {@code connection} and sends its request; the answer's head settles {@code beat}. */
  private void ask(Channel connection, Replica replica, CompletableFuture<Heartbeat> beat, String tried) {
    new Http2StreamChannelBootstrap(connection).handler(new SimpleChannelInboundHandler<Object>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
        if (!(frame instanceof Http2HeadersFrame answer)) {
          return;
        }
        String status = String.valueOf(answer.headers().status());
        if (!status.startsWith("1")) { // an interim answer (RFC 9110, 15.2) is followed by the answer
          beat.complete(switch (status) {
            case "200" -> new Heartbeat(Outcome.PASSED, tried + "200");
            case "503" -> new Heartbeat(Outcome.UNREADY, tried + "503, not ready");
            default -> new Heartbeat(Outcome.FAILED, tried + status);
          });
        }
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof Http2ResetFrame reset) {
          beat.complete(new Heartbeat(Outcome.FAILED, tried + "the replica reset the stream (error " + reset.errorCode() + ")"));
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(cause)));
      }
    }).open().addListener(opened -> {
      if (!opened.isSuccess()) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(opened.cause())));
        return;
      }
      Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path(path)
          .scheme(tls.isPresent() ? "https" : "http").authority(authority(replica)), true));
    });
  }

  /** What failed on the connection (its handshake, HTTP/2 spoken wrong) fails the heartbeat, which closes it: nothing is left to log. */
  private static final class Failing extends ChannelInboundHandlerAdapter {

    private final CompletableFuture<Heartbeat> beat;
    private final String tried;

    Failing(CompletableFuture<Heartbeat> beat, String tried) {
      this.beat = beat;
      this.tried = tried;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(cause)));
    }
  }

  /** The host and port the request is for; an IPv6 address in brackets (RFC 3986, 3.2.2). */
  private static String authority(Replica replica) {
    String host = replica.host().contains(":") ? "[" + replica.host() + "]" : replica.host();
    return host + ":" + replica.port();
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof DecoderException decoding && decoding.getCause() != null ? decoding.getCause() : failure;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
  }

  /** Stops the heartbeats' event loop; a heartbeat still out fails as its connection closes. */
  @Override
  public void close() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
