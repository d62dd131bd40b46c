package io.ringlb.core.proxy;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Netty's frame codec for a client's HTTP/2 connection, the answers of its streams shared out by
 * {@link UniformStreamByteDistributor} in place of the default weighted fair queue: RFC 9113 (5.3)
 * deprecates the priorities that queue keeps a dependency tree for, HAProxy and Envoy ignore them
 * too, and the tree's bookkeeping on every frame written was about 4 % of the event loops' own
 * time under h2load. Streams still take turns within the connection's window.
 */
final class ClientFrameCodecBuilder extends Http2FrameCodecBuilder {

  private final Plane plane;

  /** @param plane where the codec's own {@code 431}s are logged ({@link ClientFrameCodec}) */
  ClientFrameCodecBuilder(Plane plane) {
    this.plane = plane;
    DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
    connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
    connection(connection);
    // as forServer() has it: a connection the balancer closes (a stalled header block, an abuse) closes at once; a drain gives its
    // own time to the GOAWAY it sends (Http2Connections)
    gracefulShutdownTimeoutMillis(0);
  }

  @Override
  protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
    ClientFrameCodec codec = new ClientFrameCodec(encoder, decoder, initialSettings, decoupleCloseAndGoAway(), flushPreface(), plane);
    codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
    return codec;
  }
}
