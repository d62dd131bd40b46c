package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams of one client connection that speaks HTTP/2, served as frames on the connection's
 * own pipeline, right behind Netty's frame codec: each stream is a {@link ClientStream}, not a
 * channel of its own. A child channel per stream (Netty's {@code Http2MultiplexHandler}) would
 * cost each request a channel registered and torn down, a pipeline, its timers and conversions
 * twice over: more than the request's own forwarding, as the benchmarks showed.
 *
 * <p>What the codec reads goes to the stream it names; the streams that read something are told
 * when the connection's read ends, so each request's bytes go on to its replica once per read.
 * One timer per connection, while it has streams, checks their idle timeouts.
 */
final class ClientStreams extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(ClientStreams.class.getName());

  private final Plane plane;
  private final ReplicaPools pools;
  private final Http2FrameCodec frames;
  private final IntObjectMap<ClientStream> streams = new IntObjectHashMap<>();
  private final List<ClientStream> readThisTurn = new ArrayList<>();
  private final long idleNanos;
  private ChannelHandlerContext ctx;
  private String address;
  private boolean secure;
  private final Duration tickPeriod;
  private final Runnable tick = this::tick;
  /** The next look at the streams' idle timeouts; null while the connection has no stream. */
  private Cancellable ticking;

  ClientStreams(Plane plane, ReplicaPools pools, Http2FrameCodec frames) {
    this.plane = plane;
    this.pools = pools;
    this.frames = frames;
    this.idleNanos = plane.settings().idleTimeout().toNanos();
    this.tickPeriod = Duration.ofNanos(Math.max(Duration.ofMillis(10).toNanos(), idleNanos / 8));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext added) {
    this.ctx = added;
    this.address = ChannelDownstream.clientAddress(added.channel());
    this.secure = ChannelDownstream.isTls(added.channel());
  }

  Plane plane() {
    return plane;
  }

  ReplicaPools pools() {
    return pools;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  String address() {
    return address;
  }

  boolean secure() {
    return secure;
  }

  /** Whether {@code stream} can be written to now: its window open, and its connection taking more. */
  boolean isWritable(Http2FrameStream stream) {
    if (!ctx.channel().isWritable()) {
      return false;
    }
    Http2Stream open = frames.connection().stream(stream.id());
    return open != null && frames.connection().remote().flowController().isWritable(open);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (msg instanceof Http2HeadersFrame headers) {
      long now = plane.nanoTime();
      ClientStream stream = streams.get(headers.stream().id());
      if (stream == null) {
        stream = new ClientStream(this, headers.stream(), now);
        streams.put(headers.stream().id(), stream);
        tickWhileStreamsAreOpen();
      }
      touched(stream);
      try {
        stream.onHeaders(headers.headers(), headers.isEndStream(), now);
      } catch (RuntimeException failed) {
        stream.resetOnFailure(Http2Error.INTERNAL_ERROR); // a key extractor that failed: the stream is reset, the connection goes on
      }
    } else if (msg instanceof Http2DataFrame data) {
      ClientStream stream = streams.get(data.stream().id());
      if (stream == null) {
        data.release();
        return;
      }
      touched(stream);
      try {
        stream.onData(data, plane.nanoTime());
      } catch (RuntimeException failed) {
        stream.resetOnFailure(Http2Error.INTERNAL_ERROR);
      }
    } else if (msg instanceof Http2WindowUpdateFrame update) {
      long now = plane.nanoTime();
      ClientStream stream = update.stream() == null ? null : streams.get(update.stream().id());
      if (stream != null) {
        stream.onTaken(now);
      } else {
        streams.forEach((id, open) -> open.onTaken(now)); // the connection's window: whoever waited on it goes on
      }
    } else {
      context.fireChannelRead(msg); // SETTINGS, PING, GOAWAY and the rest: the connection's, not a stream's
    }
  }

  private void touched(ClientStream stream) {
    if (!stream.readThisTurn) {
      stream.readThisTurn = true;
      readThisTurn.add(stream);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    for (int i = 0; i < readThisTurn.size(); i++) {
      ClientStream stream = readThisTurn.get(i);
      stream.readThisTurn = false;
      stream.onReadComplete();
    }
    readThisTurn.clear();
    context.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object event) {
    if (event instanceof Http2FrameStreamEvent streamEvent) {
      ClientStream stream = streams.get(streamEvent.stream().id());
      if (stream == null) {
        return;
      }
      if (streamEvent.type() == Http2FrameStreamEvent.Type.Writability) {
        stream.onWritabilityChanged();
      } else if (streamEvent.stream().state() == Http2Stream.State.CLOSED) {
        streams.remove(streamEvent.stream().id());
        stream.onClosed();
      } else if (streamEvent.stream().state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
        stream.onAnswerSent();
      }
      return;
    }
    context.fireUserEventTriggered(event);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    if (context.channel().isWritable()) {
      for (ClientStream stream : List.copyOf(streams.values())) {
        stream.onWritabilityChanged();
      }
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    List<ClientStream> open = List.copyOf(streams.values());
    streams.clear();
    for (ClientStream stream : open) {
      stream.onClosed();
    }
    stopTicking();
    context.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    if (cause instanceof Http2FrameStreamException failed) {
      // a frame the codec refused on one stream: it is reset here (the codec leaves that to the handler of its streams), the rest go on
      ClientStream stream = streams.get(failed.stream().id());
      if (stream != null) {
        stream.resetOnFailure(failed.error());
      } else {
        context.writeAndFlush(new DefaultHttp2ResetFrame(failed.error()).stream(failed.stream()));
      }
      return;
    }
    boolean connectionError = Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null;
    if (!connectionError && !(cause instanceof IOException)) {
      context.fireExceptionCaught(cause); // a failure of the balancer's own: logged as such
      return;
    }
    // a connection error (a rapid reset, a CONTINUATION flood, a frame out of place), or a reset by the client: not worth a
    // warning for each, as a flood of them would flood the log
    LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection from " + context.channel().remoteAddress() + " ended: " + cause);
    if (!connectionError) {
      // the codec, which tells a connection error here before it acts, sends the GOAWAY with its code and closes the connection
      // (ClientFrameCodec counts it): closed here first, the GOAWAY would say NO_ERROR. A reset connection has nothing to keep
      context.close();
    }
  }

  // ---- idle timeouts ----

  private void tickWhileStreamsAreOpen() {
    if (ticking == null) {
      ticking = plane.clock().schedule(tickPeriod, tick, ctx.executor());
    }
  }

  private void tick() {
    ticking = null;
    try {
      long now = plane.nanoTime();
      for (ClientStream stream : List.copyOf(streams.values())) {
        try {
          stream.onTick(now, idleNanos);
        } catch (RuntimeException failed) {
          stream.resetOnFailure(Http2Error.INTERNAL_ERROR); // one stream's failure must not end the timer every stream of the connection relies on
        }
      }
    } finally {
      if (!streams.isEmpty() && ctx.channel().isActive()) {
        tickWhileStreamsAreOpen(); // whatever a stream threw, the others are still watched
      }
    }
  }

  private void stopTicking() {
    if (ticking != null) {
      ticking.cancel();
      ticking = null;
    }
  }
}
