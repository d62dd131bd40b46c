package io.ringlb.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client that speaks HTTP/2 by prior knowledge (h2c), as {@code curl --http2-prior-knowledge}
 * does: one connection, a stream per request. Netty's own client codec, not the data plane's.
 */
final class H2cClient implements AutoCloseable {

  /** A whole answer: its status, headers, body as text and trailers. */
  record Answer(int status, HttpHeaders headers, String body, HttpHeaders trailers) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  /** Whether the server has said GOAWAY on this connection. */
  private final AtomicBoolean goneAway = new AtomicBoolean();
  private final Channel connection;

  H2cClient(int port) throws InterruptedException {
    connection = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel channel) {
        channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2GoAwayFrame) {
                  goneAway.set(true);
                }
                ReferenceCountUtil.release(msg);
              }
            });
      }
    }).connect("127.0.0.1", port).sync().channel();
  }

  /** Sends {@code request} on a stream of its own; completes with the answer, or fails if the stream ends without one. */
  CompletableFuture<Answer> send(FullHttpRequest request) {
    return send(request, null);
  }

  /** Sends a head and the first part of its body, and no more: a body that stalls. Completes with the answer. */
  CompletableFuture<Answer> sendStalling(HttpRequest head, HttpContent part) {
    return send(head, part);
  }

  private CompletableFuture<Answer> send(HttpRequest request, HttpContent part) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(16 << 20),
            new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                answer.complete(new Answer(response.status().code(), response.headers().copy(), response.content().toString(StandardCharsets.UTF_8),
                    response.trailingHeaders().copy()));
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IOException("the stream ended without a whole answer"));
              }
            });
      }
    }).open().addListener(opened -> {
      if (opened.isSuccess()) {
        Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
        if (part == null) {
          stream.writeAndFlush(request);
        } else {
          stream.write(request);
          stream.writeAndFlush(part);
        }
      } else {
        ReferenceCountUtil.release(request);
        ReferenceCountUtil.release(part);
        answer.completeExceptionally(opened.cause());
      }
    });
    return answer;
  }

  /**
   * Sends {@code request} on a stream of its own and completes with the frames of its answer as
   * they came, each as {@code HEADERS} or {@code DATA}, with {@code +END} on the one that ended the stream.
   */
  CompletableFuture<List<String>> frames(FullHttpRequest request) {
    CompletableFuture<List<String>> frames = new CompletableFuture<>();
    List<String> seen = new ArrayList<>();
    new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new SimpleChannelInboundHandler<Http2StreamFrame>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean end = frame instanceof Http2HeadersFrame headers ? headers.isEndStream() : ((Http2DataFrame) frame).isEndStream();
            seen.add((frame instanceof Http2HeadersFrame ? "HEADERS" : "DATA") + (end ? "+END" : ""));
            if (end) {
              frames.complete(seen);
            }
          }
        }, new Http2StreamFrameToHttpObjectCodec(false));
      }
    }).open().addListener(opened -> {
      if (opened.isSuccess()) {
        ((Http2StreamChannel) opened.getNow()).writeAndFlush(request);
      } else {
        ReferenceCountUtil.release(request);
        frames.completeExceptionally(opened.cause());
      }
    });
    return frames;
  }

  /** Opens a stream, sends {@code head} without ending it, and resets the stream at once, as a rapid-reset attack does (CVE-2023-44487). */
  void sendAndReset(HttpRequest head) {
    new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false));
      }
    }).open().addListener(opened -> {
      if (opened.isSuccess()) {
        Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
        stream.writeAndFlush(head).addListener(sent -> stream.close()); // a stream closed before its end is reset
      }
    });
  }

  /** The most streams the server lets this connection have open at once, once its SETTINGS have come. */
  int maxConcurrentStreams() {
    return connection.pipeline().get(Http2FrameCodec.class).connection().local().maxActiveStreams();
  }

  /**
   * Opens a stream, asks for {@code request} and never reads its answer: the stream's flow-control
   * window stays shut once the first bytes fill it. Answers the stream, which the server may reset.
   */
  Http2StreamChannel sendAndNeverRead(FullHttpRequest request) throws InterruptedException {
    Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).option(ChannelOption.AUTO_READ, false)
        .handler(new Http2StreamFrameToHttpObjectCodec(false)).open().sync().getNow();
    stream.writeAndFlush(request).sync();
    return stream;
  }

  boolean goneAway() {
    return goneAway.get();
  }

  boolean isOpen() {
    return connection.isActive();
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
