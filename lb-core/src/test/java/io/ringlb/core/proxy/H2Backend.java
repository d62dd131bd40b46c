package io.ringlb.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ringlb.core.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica that speaks HTTP/2 only, in the clear (h2c by prior knowledge) or over TLS (h2 by
 * ALPN): Netty's server codec, as a gRPC or Envoy upstream speaks it. It counts its connections.
 * {@code /trailers} answers a body and trailers, {@code /trailers-only} a HEADERS frame that ends
 * the stream (gRPC's way to fail), {@code /stream} three parts 100 ms apart, {@code /unready} a
 * 503, {@code /hold} what
 * it was sent once the test lets it ({@link #answerHeld}), any other path what
 * it was sent, as {@link Backends#echo()} does.
 */
public final class H2Backend implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  final AtomicInteger connections = new AtomicInteger();
  /** RST_STREAM frames received from the balancer. */
  final AtomicInteger resetsReceived = new AtomicInteger();
  /**
   * Whether {@code /refuse} and {@code /reset-refused} are refused, with no answer: the first by a
   * GOAWAY saying the stream was never processed, the second by RST_STREAM with REFUSED_STREAM.
   */
  public volatile boolean refuses;

  /** A request to {@code /hold}, not answered until {@link #answerHeld}. */
  private record Held(ChannelHandlerContext ctx, FullHttpRequest request) {}

  private final Queue<Held> held = new ConcurrentLinkedQueue<>();
  /** The target of every request the replica has read, in order. */
  final List<String> received = new CopyOnWriteArrayList<>();

  /** @param tls the certificate to serve h2 over TLS with; empty for h2c */
  public H2Backend(Optional<TestCertificates> tls) throws Exception {
    this(tls, Integer.MAX_VALUE);
  }

  /**
   * @param tls the certificate to serve h2 over TLS with; empty for h2c
   * @param maxConcurrentStreams the streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS)
   */
  public H2Backend(Optional<TestCertificates> tls, int maxConcurrentStreams) throws Exception {
    Optional<SslContext> context = tls.isEmpty() ? Optional.empty() : Optional.of(SslContextBuilder.forServer(tls.get().certificate().toFile(), tls.get().key().toFile())
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE, ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2))
        .build());
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel channel) {
        connections.incrementAndGet();
        open.add(channel);
        context.ifPresent(ssl -> channel.pipeline().addLast(ssl.newHandler(channel.alloc())));
        Http2FrameLogger resets = new Http2FrameLogger(LogLevel.TRACE, H2Backend.class) {
          @Override
          public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
            if (direction == Direction.INBOUND) {
              resetsReceived.incrementAndGet();
            }
          }
        };
        channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().frameLogger(resets)
            .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams)).build(), new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel stream) {
            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new HttpObjectAggregator(16 << 20), new Answering(H2Backend.this));
          }
        }));
      }
    }).bind("127.0.0.1", 0).sync().channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Says GOAWAY on every connection, as a server about to restart does: no new stream there, the open ones may end. */
  void goAway() {
    open.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).syncUninterruptibly();
  }

  /** How many requests to {@code /hold} wait for {@link #answerHeld}. */
  public int held() {
    return held.size();
  }

  /** How many connections are open now. */
  public int open() {
    return open.size();
  }

  /** Answers every request to {@code /hold} so far. */
  public void answerHeld() {
    for (Held answer; (answer = held.poll()) != null; ) {
      Held now = answer;
      now.ctx().executor().execute(() -> Answering.echo(now.ctx(), now.request()));
    }
  }

  /** Closes every connection, as a replica that restarts does. */
  void dropConnections() {
    open.close().syncUninterruptibly();
  }

  private static final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final H2Backend backend;

    Answering(H2Backend backend) {
      this.backend = backend;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      backend.received.add(request.uri());
      if (request.uri().equals("/refuse") && backend.refuses) {
        // GOAWAY naming the stream before this one as the last processed: this one never was, and may go elsewhere
        Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
        Http2FrameCodec codec = stream.parent().pipeline().get(Http2FrameCodec.class);
        ChannelHandlerContext connection = stream.parent().pipeline().context(codec);
        codec.goAway(connection, Math.max(0, stream.stream().id() - 2), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, connection.newPromise());
        connection.flush();
        return;
      }
      if (request.uri().equals("/reset-refused") && backend.refuses) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM)); // closed before any processing
        return;
      }
      if (request.uri().equals("/hold")) {
        backend.held.add(new Held(ctx, request.retainedDuplicate()));
        return;
      }
      switch (request.uri()) {
        case "/unready" -> ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE));
        case "/trailers" -> {
          ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
          ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.UTF_8)));
          LastHttpContent last = new DefaultLastHttpContent();
          last.trailingHeaders().set("x-checksum", "42");
          ctx.writeAndFlush(last);
        }
        case "/trailers-only" -> {
          FullHttpResponse failed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          failed.headers().set("grpc-status", "7");
          ctx.writeAndFlush(failed);
        }
        case "/stream" -> {
          ctx.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
          for (int part = 1; part <= 3; part++) {
            String text = "part " + part + "\n";
            boolean last = part == 3;
            ctx.executor().schedule(() -> ctx.writeAndFlush(last ? new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
                : new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))), part * 100L, TimeUnit.MILLISECONDS);
          }
        }
        default -> echo(ctx, request.retainedDuplicate());
      }
    }

    /** Answers what {@code request} was: its method, target, headers and body; and lets it go. */
    private static void echo(ChannelHandlerContext ctx, FullHttpRequest request) {
      StringBuilder seen = new StringBuilder(request.method() + " " + request.uri() + "\n");
      for (Map.Entry<String, String> header : request.headers()) {
        seen.append(header.getKey().toLowerCase()).append('=').append(header.getValue()).append('\n');
      }
      seen.append("body=").append(request.content().toString(StandardCharsets.UTF_8));
      request.release();
      FullHttpResponse echoed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer(seen, StandardCharsets.UTF_8));
      echoed.headers().setInt("content-length", echoed.content().readableBytes());
      ctx.writeAndFlush(echoed);
    }
  }

  @Override
  public void close() {
    for (Held unanswered; (unanswered = held.poll()) != null; ) {
      unanswered.request().release();
    }
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
