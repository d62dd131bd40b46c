package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One HTTP/2 connection to one replica, owned by one event loop, a stream of it per request. The
 * connection is made for the first request, and again once it has closed, the replica has sent
 * GOAWAY, or it has opened as many streams as a client's stream identifiers allow (RFC 9113,
 * 5.1.1: a connection that runs out must be replaced; at 50,000 requests a second that is six
 * hours); requests that come while it is being made wait for it. A connection replaced is
 * closed once the last stream on it has ended. Streams past
 * the replica's {@code SETTINGS_MAX_CONCURRENT_STREAMS} wait in the codec until one ends, as
 * requests past {@code lb.forward.connections-per-replica} wait for an HTTP/1.1 connection.
 */
final class StreamPool implements ReplicaPool {

  /** The streams a client can open on one connection: odd identifiers from 1 to 2^31 - 1. */
  static final int STREAM_IDS = 1 << 30;
  /**
   * How many waiting streams a connection may have cancelled before the next request makes a new
   * one: Netty's frame codec keeps each such stream until its connection closes ({@link #cancelIfWaiting}).
   */
  static final int CANCELLED_WAITING_PER_CONNECTION = 1_024;

  private record Waiter(Consumer<Channel> acquired, Consumer<Throwable> failed) {}

  private final Supplier<ChannelFuture> connector;
  private final ChannelHandler streamHandlers;
  private final int streamsPerConnection;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  /** The streams in use, told when the replica leaves the ring. */
  private final List<Channel> streams = new ArrayList<>();
  /** The connection new streams open on, once made; null before, and once it is gone or going. */
  private Channel connection;
  private Http2FrameCodec frames;
  private Http2StreamChannelBootstrap opening;
  /** Streams opened on {@link #connection}: each takes an identifier once it sends its request. */
  private int opened;
  /** Streams of {@link #connection} cancelled while they waited for the replica's limit. */
  private int cancelledWaiting;
  private boolean connecting;
  private boolean closed;

  /**
   * @param connector makes the connection on the pool's loop: its future completes once the
   *     connection speaks HTTP/2 (TLS's handshake and ALPN done, where there are) and the
   *     replica's first SETTINGS has come, so the codec knows its stream limit before any stream opens
   * @param streamHandlers installs the handlers of each stream, ending in a {@link ReplicaConnection}
   */
  StreamPool(Supplier<ChannelFuture> connector, ChannelHandler streamHandlers) {
    this(connector, streamHandlers, STREAM_IDS);
  }

  /** @param streamsPerConnection how many streams a connection opens before the next request makes a new one */
  StreamPool(Supplier<ChannelFuture> connector, ChannelHandler streamHandlers, int streamsPerConnection) {
    this.connector = connector;
    this.streamHandlers = streamHandlers;
    this.streamsPerConnection = streamsPerConnection;
  }

  @Override
  public void acquire(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    if (closed) {
      failed.accept(new IllegalStateException("the replica has left the ring"));
    } else if (connection != null && connection.isActive() && !frames.connection().goAwayReceived() && !frames.connection().goAwaySent()
        && opened < streamsPerConnection) {
      open(acquired, failed);
    } else {
      waiting.add(new Waiter(acquired, failed));
      if (!connecting) {
        connect();
      }
    }
  }

  /** A stream is never used twice: every one is new. */
  @Override
  public void acquireNew(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    acquire(acquired, failed);
  }

  private void connect() {
    connecting = true;
    if (connection != null && !inUse(connection)) {
      // replaced with no stream on it (a stream opened on the loop is in streams as open returns); else its last stream closes it
      connection.close();
    }
    connection = null;
    opened = 0;
    cancelledWaiting = 0;
    ChannelFuture made = connector.get();
    Channel channel = made.channel();
    channel.closeFuture().addListener((ChannelFutureListener) gone -> {
      if (connection == channel) {
        connection = null;
      }
    });
    made.addListener((ChannelFutureListener) result -> {
      connecting = false;
      if (closed) {
        channel.close();
        return; // the waiting requests were failed as the pool closed
      }
      if (!result.isSuccess()) {
        channel.close();
        for (Waiter waiter; (waiter = waiting.poll()) != null; ) {
          waiter.failed().accept(result.cause());
        }
        return;
      }
      connection = channel;
      frames = channel.pipeline().get(Http2FrameCodec.class);
      opening = new Http2StreamChannelBootstrap(channel).handler(streamHandlers);
      List<Waiter> waited = List.copyOf(waiting);
      waiting.clear();
      for (Waiter waiter : waited) {
        acquire(waiter.acquired(), waiter.failed()); // in turn: more than a connection's streams make another
      }
    });
  }

  private void open(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    opened++;
    opening.open().addListener((GenericFutureListener<Future<Http2StreamChannel>>) result -> {
      if (!result.isSuccess()) {
        failed.accept(result.cause());
        return;
      }
      Http2StreamChannel stream = result.getNow();
      streams.add(stream);
      stream.closeFuture().addListener((ChannelFutureListener) ended -> {
        streams.remove(stream);
        Channel parent = stream.parent();
        if (parent != connection && !inUse(parent)) {
          parent.close(); // the last stream of a connection already replaced has ended
        }
        if (closed && streams.isEmpty() && connection != null) {
          connection.close(); // the last request of a replica that left the ring has ended
        }
      });
      acquired.accept(stream);
    });
  }

  /**
   * A stream's request has ended. A stream is never used twice: closing one whose answer ended
   * changes nothing, and one whose answer did not is reset, which tells the replica to stop.
   */
  @Override
  public void release(Channel stream, boolean reusable) {
    cancelIfWaiting((Http2StreamChannel) stream);
    stream.close();
  }

  /**
   * Takes a stream that still waits in the codec behind the replica's
   * {@code SETTINGS_MAX_CONCURRENT_STREAMS} out of its queue. Such a stream has its identifier but is
   * no stream of the connection's yet, and closing its channel sends it no reset (Netty's codec
   * takes a reset of a stream it has not made for a protocol error and drops it): its request
   * would go out once a place came free, its client long gone. A reset written to the codec's
   * encoder takes it out, as grpc-java cancels a call still waiting there. The codec then keeps the
   * stream in its own map until the connection closes (it forgets only a stream whose headers
   * failed), so a connection that has had {@link #CANCELLED_WAITING_PER_CONNECTION} of them is
   * replaced, and closes once its last stream ends.
   */
  private void cancelIfWaiting(Http2StreamChannel stream) {
    int id = stream.stream().id();
    Channel parent = stream.parent();
    // the connection's codec, held for the connection streams open on now; looked up only for one already replaced
    Http2FrameCodec codec = parent == connection ? frames : parent.pipeline().get(Http2FrameCodec.class);
    if (codec == null || !Http2CodecUtil.isStreamIdValid(id) || codec.connection().streamMayHaveExisted(id)) {
      return; // its request not written yet, or a stream the replica has: closing the channel is enough
    }
    ChannelHandlerContext codecContext = parent.pipeline().context(codec);
    codec.encoder().writeRstStream(codecContext, id, Http2Error.CANCEL.code(), codecContext.newPromise());
    if (parent == connection && ++cancelledWaiting >= CANCELLED_WAITING_PER_CONNECTION) {
      opened = streamsPerConnection; // the next request makes a new connection
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Waiter waiter; (waiter = waiting.poll()) != null; ) {
      waiter.failed().accept(new IllegalStateException("the replica has left the ring"));
    }
    if (streams.isEmpty() && connection != null) {
      connection.close();
    }
  }

  /** Whether a stream of a request still runs on {@code connection}. */
  private boolean inUse(Channel connection) {
    for (Channel stream : streams) {
      if (stream.parent() == connection) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void left() {
    close();
    ReplicaConnection.replicaLeft(List.copyOf(streams));
  }

}
