package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * The data plane's client connections that speak HTTP/2, each told GOAWAY when it stops: it opens
 * no new stream, and those it has finish within the drain. A connection that turns out to speak
 * HTTP/2 after the stop began (its preface read late, its TLS handshake done late) is told at once.
 */
final class Http2Connections {

  private final ChannelGroup connections = new DefaultChannelGroup("ringlb-http2", GlobalEventExecutor.INSTANCE);
  /** The drain once the stop has begun; null before. */
  private volatile Duration stopping;

  /** A connection that speaks HTTP/2 from now on, its codec in its pipeline. */
  void add(Channel connection) {
    connections.add(connection);
    Duration drain = stopping; // read after the add: either the stop's loop sees the connection, or this sees the stop, or both
    if (drain != null) {
      goAway(connection, drain);
    }
  }

  /** The stop has begun: every connection, and every one added from now on, is told GOAWAY and closes once its streams have ended or {@code drain} has passed. */
  void goAway(Duration drain) {
    stopping = drain;
    for (Channel connection : connections) {
      goAway(connection, drain);
    }
  }

  private static void goAway(Channel connection, Duration drain) {
    Http2FrameCodec frames = connection.pipeline().get(Http2FrameCodec.class);
    if (frames != null) {
      connection.eventLoop().execute(() -> {
        frames.gracefulShutdownTimeoutMillis(drain.toMillis());
        connection.close();
      });
    }
  }
}
