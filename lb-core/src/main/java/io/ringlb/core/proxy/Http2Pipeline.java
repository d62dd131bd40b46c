package io.ringlb.core.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The handlers of a client connection that speaks HTTP/2: Netty's frame codec, which also holds
 * the limits the last years' attacks taught every proxy (concurrent streams as
 * {@code lb.http2.max-concurrent-streams} says, the header list's size, resets, CONTINUATION
 * frames, empty DATA frames and queued control frames), ahead of it {@link Http2HeaderTimeout}
 * (a header block must be whole within {@code lb.client.header-timeout-ms}), behind it the streams as
 * {@link ClientStreams} serves them, and ahead of all a consolidation of flushes: what the streams
 * answer in one turn of the event loop goes out in one write.
 */
final class Http2Pipeline {

  /** HTTP/2's initial window, a stream's and the connection's: 64 KiB less a byte (RFC 9113, 6.9.2). */
  private static final int STREAM_WINDOW = 65_535;

  private Http2Pipeline() {}

  /** What widens a connection's window from HTTP/2's initial one to {@code streams} streams' worth. */
  static DefaultHttp2WindowUpdateFrame connectionWindow(int streams) {
    return new DefaultHttp2WindowUpdateFrame((int) Math.min(Integer.MAX_VALUE - STREAM_WINDOW, (long) (streams - 1) * STREAM_WINDOW));
  }

  /**
   * Adds the HTTP/2 handlers after the handler named {@code after}, for a connection on
   * {@code pools}' event loop, and the connection to {@code connections}, which the data plane
   * sends a GOAWAY when it stops.
   */
  static void install(ChannelPipeline pipeline, String after, Plane plane, ReplicaPools pools, Http2Connections connections) {
    Http2FrameCodec frames = new ClientFrameCodecBuilder(plane)
        .initialSettings(Http2Settings.defaultSettings()
            .maxConcurrentStreams(plane.settings().maxConcurrentStreams())
            .maxHeaderListSize(plane.settings().maxHeaderBytes()))
        .validateHeaders(true)
        .build();
    // the answers that end in one event-loop turn, each on its own stream and replica, leave in one TLS record and write
    pipeline.addAfter(after, "h2-flushes", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    pipeline.addAfter("h2-flushes", "h2-header-timeout", new Http2HeaderTimeout(plane.settings().headerTimeout(), plane.clock()));
    pipeline.addAfter("h2-header-timeout", "h2-frames", frames);
    pipeline.addAfter("h2-frames", "h2-streams", new ClientStreams(plane, pools, frames));
    pipeline.addAfter("h2-streams", "h2-idle", new IdleHttp2Connection(frames));
    // the connection's window as large as every stream's together: a stream paused while its replica takes no more must not
    // hold the whole connection's window, which would stall every other stream's upload on it
    int concurrent = plane.settings().maxConcurrentStreams();
    pipeline.channel().writeAndFlush(connectionWindow(concurrent));
    connections.add(pipeline.channel());
  }
}
