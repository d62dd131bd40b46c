package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The handlers of one client connection, in order: the watch that starts a request's header
 * timeout at its first byte, the strict HTTP/1.1 codec, the idle handler (reader idle: nothing
 * from the client; writer idle: the connection looks at what the client took of its answer),
 * and the {@link ClientConnection} that forwards each request.
 */
final class ClientPipeline extends ChannelInitializer<Channel> {

  private final Plane plane;
  private final Function<EventLoop, ReplicaPools> pools;
  private final HttpDecoderConfig decoding;

  /** @param pools the replica pools of the event loop a connection is on */
  ClientPipeline(Plane plane, Function<EventLoop, ReplicaPools> pools) {
    this.plane = plane;
    this.pools = pools;
    this.decoding = new HttpDecoderConfig()
        .setMaxInitialLineLength(plane.settings().maxHeaderBytes())
        .setMaxHeaderSize(plane.settings().maxHeaderBytes())
        .setMaxChunkSize(ReplicaPools.MAX_CHUNK_BYTES);
  }

  @Override
  protected void initChannel(Channel channel) {
    ClientConnection connection = new ClientConnection(plane, pools.apply(channel.eventLoop()));
    long idleMillis = plane.settings().idleTimeout().toMillis();
    channel.pipeline().addLast(connection.headWatch(), new ClientCodec(decoding), new IdleStateHandler(idleMillis, idleMillis, 0, TimeUnit.MILLISECONDS),
        connection);
  }
}
