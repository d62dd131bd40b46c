package io.ringlb.core.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
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
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.tls.ReplicaTls;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
  private final Executor virtualThreads;

  /**
   * @param path what to {@code GET}, starting with {@code /}
   * @param tls the TLS replicas are reached through, with ALPN asking for {@code h2}; empty for h2c
   * @param threads makes the heartbeats' event loop thread
   * @param virtualThreads an executor that runs each task on a virtual thread of its own: replicas' names are looked up there
   */
  public Http2Heartbeat(Duration timeout, String path, Optional<ReplicaTls> tls, ThreadFactory threads, Executor virtualThreads) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a heartbeat path starts with '/', was " + path);
    }
    this.timeout = timeout;
    this.path = path;
    this.tls = tls;
    this.virtualThreads = virtualThreads;
    this.loop = new NioEventLoopGroup(1, threads);
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    String tried = "GET " + (tls.isPresent() ? "https://" : "http://") + authority(replica) + path + " over HTTP/2: ";
    CompletableFuture<Heartbeat> beat = new CompletableFuture<>();
    try {
      ScheduledFuture<?> deadline = loop.schedule(() -> beat.complete(new Heartbeat(Outcome.TIMED_OUT, tried + "no answer within " + timeout.toMillis() + " ms")),
          timeout.toMillis(), TimeUnit.MILLISECONDS);
      beat.whenComplete((done, never) -> deadline.cancel(false));
      // the name is looked up on a virtual thread: Netty's resolver would block the one thread every heartbeat and deadline runs on
      virtualThreads.execute(() -> {
        InetSocketAddress address;
        try {
          address = new InetSocketAddress(InetAddress.getByName(replica.host()), replica.port());
        } catch (UnknownHostException e) {
          beat.complete(new Heartbeat(Outcome.FAILED, tried + "unknown host " + replica.host()));
          return;
        }
        connect(address, replica, beat, tried);
      });
    } catch (RejectedExecutionException stopped) {
      beat.complete(new Heartbeat(Outcome.FAILED, tried + "the heartbeats have stopped"));
    }
    return beat;
  }

  private void connect(InetSocketAddress address, Replica replica, CompletableFuture<Heartbeat> beat, String tried) {
    ChannelFuture connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            tls.ifPresent(replicas -> channel.pipeline().addLast(replicas.newHandler(channel.alloc(), replica.host(), replica.port())));
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), new Failing(beat, tried));
          }
        })
        .connect(address);
    Channel channel = connecting.channel();
    beat.whenComplete((done, never) -> channel.close());
    connecting.addListener((ChannelFuture connected) -> {
      if (!connected.isSuccess()) {
        Throwable cause = connected.cause();
        beat.complete(cause instanceof ConnectTimeoutException ? new Heartbeat(Outcome.TIMED_OUT, tried + "no connection within " + timeout.toMillis() + " ms")
            : new Heartbeat(Outcome.FAILED, tried + (cause instanceof ConnectException ? "connection refused" : describe(cause))));
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
  }

  /** Opens the heartbeat's stream on {@code connection} and sends its request; the answer's head settles {@code beat}. */
  private void ask(Channel connection, Replica replica, CompletableFuture<Heartbeat> beat, String tried) {
    new Http2StreamChannelBootstrap(connection).handler(new Answer(beat, tried)).open().addListener(opened -> {
      if (!opened.isSuccess()) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(opened.cause())));
        return;
      }
      Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path(path)
          .scheme(tls.isPresent() ? "https" : "http").authority(authority(replica)), true)).addListener(sent -> {
            if (!sent.isSuccess()) {
              beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(sent.cause())));
            }
          });
    });
  }

  /** The heartbeat's stream: the head of its answer settles the heartbeat, as does its end without one. */
  private static final class Answer extends SimpleChannelInboundHandler<Object> {

    private final CompletableFuture<Heartbeat> beat;
    private final String tried;

    Answer(CompletableFuture<Heartbeat> beat, String tried) {
      this.beat = beat;
      this.tried = tried;
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
      beat.complete(switch (status) {
        case "200" -> new Heartbeat(Outcome.PASSED, tried + "200");
        case "503" -> new Heartbeat(Outcome.UNREADY, tried + "503, not ready");
        default -> new Heartbeat(Outcome.FAILED, tried + status);
      });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof Http2ResetFrame reset) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + "the replica reset the stream (error " + reset.errorCode() + ")"));
      } else if (event instanceof Http2GoAwayFrame) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + "the replica said GOAWAY before answering"));
      }
      ReferenceCountUtil.release(event); // a GOAWAY comes as a duplicate of what was read
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      beat.complete(new Heartbeat(Outcome.FAILED, tried + "the stream ended without an answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      beat.complete(new Heartbeat(Outcome.FAILED, tried + describe(cause)));
    }
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

  /** Stops the heartbeats' event loop, and waits for it: a heartbeat asked for after this fails at once. */
  @Override
  public void close() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
