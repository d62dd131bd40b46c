package io.ringlb.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes, with a GOAWAY, an HTTP/2 connection that has had no stream open and read nothing for
 * its idle handler's reader timeout, as an idle HTTP/1.1 connection is closed: a client's after
 * {@code lb.client.idle-timeout-ms}, a replica's after {@code lb.forward.idle-timeout-ms}.
 */
final class IdleHttp2Connection extends ChannelInboundHandlerAdapter {

  private final Http2FrameCodec frames;

  IdleHttp2Connection(Http2FrameCodec frames) {
    this.frames = frames;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent idle) {
      // a replica's connection still in its TLS handshake is connecting, not idle (a client's speaks HTTP/2 only after it)
      if (idle.state() == IdleState.READER_IDLE && frames.connection().numActiveStreams() == 0 && !ReplicaConnection.handshaking(ctx)) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }
}
