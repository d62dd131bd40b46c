package io.ringlb.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client that works in frames, as a misbehaving or slow client does: it sends what it
 * is told, frame by frame, lists every frame it gets on its streams in order, and gives back the
 * window of each DATA frame only {@code takeAfter} later, as a client that reads slowly, or, made
 * with {@link #holdingWindows}, only when the test says, as a client that reads in its own time.
 */
final class H2FrameClient extends Http2ChannelDuplexHandler implements AutoCloseable {

  /** One frame the client got: its kind (HEADERS, DATA, RST), its stream, and what it says. */
  record Received(String kind, int stream, int bytes, boolean endStream, long errorCode) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  /** How long a DATA frame's window is held before it goes back; none when {@link #giveBackWindows} gives it back. */
  private final Optional<Duration> takeAfter;
  /** The windows held until {@link #giveBackWindows}; on the client's loop alone. */
  private final List<DefaultHttp2WindowUpdateFrame> held = new ArrayList<>();
  private final Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().build();

  H2FrameClient(int port, Duration takeAfter) throws InterruptedException {
    this(port, Optional.of(takeAfter));
  }

  /** A client that gives back the windows of the DATA frames it got only on {@link #giveBackWindows}. */
  static H2FrameClient holdingWindows(int port) throws InterruptedException {
    return new H2FrameClient(port, Optional.empty());
  }

  private H2FrameClient(int port, Optional<Duration> takeAfter) throws InterruptedException {
    this.takeAfter = takeAfter;
    H2FrameClient self = this;
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(codec, self);
      }
    }).connect("127.0.0.1", port).sync().channel();
  }

  /** A request's head; its values are not checked, so that a test can send what a careless or hostile client would. */
  static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers(true, false, 16).method(method).scheme("http").path(path).authority("lb.example");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame headers) {
      received.add(new Received("HEADERS", headers.stream().id(), 0, headers.isEndStream(), 0));
    } else if (msg instanceof Http2DataFrame data) {
      received.add(new Received("DATA", data.stream().id(), data.content().readableBytes(), data.isEndStream(), 0));
      int taken = data.initialFlowControlledBytes();
      Http2FrameStream stream = data.stream();
      if (taken > 0) {
        DefaultHttp2WindowUpdateFrame update = new DefaultHttp2WindowUpdateFrame(taken).stream(stream);
        takeAfter.ifPresentOrElse(after -> ctx.executor().schedule(() -> giveBack(ctx, List.of(update)), after.toMillis(), TimeUnit.MILLISECONDS),
            () -> held.add(update));
      }
    } else if (msg instanceof Http2ResetFrame reset) {
      received.add(new Received("RST", reset.stream().id(), 0, true, reset.errorCode()));
    }
    ReferenceCountUtil.release(msg);
  }

  private void giveBack(ChannelHandlerContext ctx, List<DefaultHttp2WindowUpdateFrame> updates) {
    for (DefaultHttp2WindowUpdateFrame update : updates) {
      ctx.write(update);
    }
    ctx.flush();
  }

  /** Gives back the windows of every DATA frame got since the last time, as a client that has read them. */
  void giveBackWindows() throws Exception {
    channel.eventLoop().submit(() -> {
      giveBack(channel.pipeline().context(this), List.copyOf(held));
      held.clear();
    }).get();
  }

  /**
   * How many more body bytes the server may send on {@code stream}: the least of its window and
   * the connection's, as the client's flow control counts them; none once the stream is closed.
   */
  int windowLeft(Http2FrameStream stream) throws Exception {
    return channel.eventLoop().submit(() -> {
      Http2Connection connection = codec.connection();
      Http2Stream open = connection.stream(stream.id());
      Http2LocalFlowController flow = connection.local().flowController();
      return open == null ? 0 : Math.min(flow.windowSize(open), flow.windowSize(connection.connectionStream()));
    }).get();
  }

  /** Opens a stream with {@code headers}, ended with them when {@code end}. */
  Http2FrameStream open(Http2Headers headers, boolean end) throws Exception {
    Http2FrameStream stream = newStream();
    channel.eventLoop().submit(() -> channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, end).stream(stream))).get();
    return stream;
  }

  /** Ends {@code stream} with {@code trailers}. */
  void trailers(Http2FrameStream stream, Http2Headers trailers) throws Exception {
    channel.eventLoop().submit(() -> channel.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true).stream(stream))).get();
  }

  void data(Http2FrameStream stream, byte[] bytes, boolean end) throws Exception {
    channel.eventLoop().submit(() -> channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), end).stream(stream))).get();
  }

  /** The body bytes received on {@code stream} so far. */
  long bodyBytes(Http2FrameStream stream) {
    return received.stream().filter(frame -> frame.stream() == stream.id() && frame.kind().equals("DATA")).mapToLong(Received::bytes).sum();
  }

  /** Whether {@code stream} has ended, with its last frame or a reset. */
  boolean ended(Http2FrameStream stream) {
    return received.stream().anyMatch(frame -> frame.stream() == stream.id() && frame.endStream());
  }

  boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
