package io.ringlb.core.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.tls.ReplicaTls;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * thread comes from the balancer's thread factory, as the data plane's do. The timeout is the
 * engine clock's ({@link HeartbeatDeadline}) and covers the connection as well as the answer:
 * when it passes, the connection is closed, made or not.
 */
public final class Http2Heartbeat implements HealthProbe {

  private final EventLoopGroup loop;
  private final HeartbeatDeadline deadline;
  private final String path;
  private final Optional<ReplicaTls> tls;
  /** {@code http} or {@code https}: the request's {@code :scheme}. */
  private final String scheme;
  private final Executor virtualThreads;

  /**
   * @param timeout how long a heartbeat may take, timed on {@code clock}
   * @param path what to {@code GET}, starting with {@code /}
   * @param tls the TLS replicas are reached through, with ALPN asking for {@code h2}; empty for h2c
   * @param threads makes the heartbeats' event loop thread
   * @param virtualThreads an executor that runs each task on a virtual thread of its own: replicas' names are looked up there
   */
  public Http2Heartbeat(Duration timeout, EngineClock clock, String path, Optional<ReplicaTls> tls, ThreadFactory threads, Executor virtualThreads) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a heartbeat path starts with '/', was " + path);
    }
    this.deadline = new HeartbeatDeadline(clock, timeout);
    this.path = path;
    this.tls = tls;
    this.scheme = tls.isPresent() ? "https" : "http";
    this.virtualThreads = virtualThreads;
    this.loop = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    Beat beat = new Beat("GET " + scheme + "://" + authority(replica) + path + " over HTTP/2: ");
    // the name is looked up on a virtual thread: Netty's resolver would block the one thread every heartbeat runs on
    return deadline.start(beat.result, beat.tried, () -> beat.connected ? "no answer" : "no connection", virtualThreads, () -> {
      InetSocketAddress address;
      try {
        address = new InetSocketAddress(InetAddress.getByName(replica.host()), replica.port());
      } catch (UnknownHostException e) {
        beat.fail("unknown host " + replica.host());
        return;
      }
      connect(address, replica, beat);
    });
  }

  private void connect(InetSocketAddress address, Replica replica, Beat beat) {
    ChannelFuture connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // the heartbeat's deadline closes the channel, which gives up the connect
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            tls.ifPresent(replicas -> {
              SslHandler handshake = replicas.newHandler(channel.alloc(), replica.host(), replica.port());
              handshake.setHandshakeTimeoutMillis(0); // bounded by the heartbeat's deadline too
              channel.pipeline().addLast(handshake);
            });
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), new Failing(beat));
          }
        })
        .connect(address);
    Channel channel = connecting.channel();
    beat.result.whenComplete((done, never) -> channel.close());
    connecting.addListener((ChannelFuture connected) -> {
      if (!connected.isSuccess()) {
        if (connected.cause() instanceof ConnectException) {
          beat.fail("connection refused");
        } else {
          beat.failed(connected.cause());
        }
        return;
      }
      beat.connected = true;
      channel.closeFuture().addListener(closed -> beat.fail("the replica closed the connection"));
      if (tls.isEmpty()) {
        ask(channel, replica, beat);
        return;
      }
      SslHandler handshaking = channel.pipeline().get(SslHandler.class);
      handshaking.handshakeFuture().addListener(handshake -> {
        if (!handshake.isSuccess()) {
          beat.failed(handshake.cause());
          return;
        }
        String agreed = ReplicaTls.agreed(handshaking);
        if (agreed.equals(tls.get().applicationProtocol())) {
          ask(channel, replica, beat);
        } else {
          beat.fail("the replica agreed to " + agreed + " by ALPN, not to " + tls.get().applicationProtocol());
        }
      });
    });
  }

  /** Opens the heartbeat's stream on {@code connection} and sends its request; the answer's head settles {@code beat}. */
  private void ask(Channel connection, Replica replica, Beat beat) {
    new Http2StreamChannelBootstrap(connection).handler(new Answer(beat)).open().addListener(opened -> {
      if (!opened.isSuccess()) {
        beat.failed(opened.cause());
        return;
      }
      Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path(path)
          .scheme(scheme).authority(authority(replica)), true)).addListener(sent -> {
            if (!sent.isSuccess()) {
              beat.failed(sent.cause());
            }
          });
    });
  }

  /** One heartbeat under way: the first word on how it went settles it; the rest change nothing. */
  private static final class Beat {

    final CompletableFuture<Heartbeat> result = new CompletableFuture<>();
    /** What was asked of whom, which every verdict starts with. */
    final String tried;
    /** Whether the connection was made: a heartbeat timed out before then never reached the replica. */
    volatile boolean connected;

    Beat(String tried) {
      this.tried = tried;
    }

    void settle(Outcome outcome, String detail) {
      result.complete(new Heartbeat(outcome, tried + detail));
    }

    void fail(String why) {
      settle(Outcome.FAILED, why);
    }

    void failed(Throwable failure) {
      Throwable cause = failure instanceof DecoderException decoding && decoding.getCause() != null ? decoding.getCause() : failure;
      fail(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
  }

  /** The heartbeat's stream: the head of its answer settles the heartbeat, as does its end without one. */
  private static final class Answer extends SimpleChannelInboundHandler<Object> {

    private final Beat beat;

    Answer(Beat beat) {
      this.beat = beat;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
      if (!(frame instanceof Http2HeadersFrame answer)) {
        return;
      }
      String status = String.valueOf(answer.headers().status());
      if (status.startsWith("1") && !status.equals("101")) {
        return; // an interim answer (RFC 9110, 15.2), followed by the answer; HTTP/2 has no 101 (RFC 9113, 8.6)
      }
      switch (status) {
        case "200" -> beat.settle(Outcome.PASSED, "200");
        case "503" -> beat.settle(Outcome.UNREADY, "503, not ready");
        default -> beat.fail(status);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof Http2ResetFrame reset) {
        beat.fail("the replica reset the stream (error " + reset.errorCode() + ")");
      } else if (event instanceof Http2GoAwayFrame) {
        beat.fail("the replica said GOAWAY before answering");
      }
      ReferenceCountUtil.release(event); // a GOAWAY comes as a duplicate of what was read
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      beat.fail("the stream ended without an answer");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      beat.failed(cause);
    }
  }

  /** What failed on the connection (its handshake, HTTP/2 spoken wrong) fails the heartbeat, which closes it: nothing is left to log. */
  private static final class Failing extends ChannelInboundHandlerAdapter {

    private final Beat beat;

    Failing(Beat beat) {
      this.beat = beat;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      beat.failed(cause);
    }
  }

  /** The host and port the request is for; an IPv6 address in brackets (RFC 3986, 3.2.2). */
  private static String authority(Replica replica) {
    String host = replica.host().contains(":") ? "[" + replica.host() + "]" : replica.host();
    return host + ":" + replica.port();
  }

  /** Gives up the heartbeats under way (each has failed, its connection closed), then stops their event loop and waits for it: a heartbeat asked for after this fails at once. */
  @Override
  public void close() {
    deadline.stop();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
