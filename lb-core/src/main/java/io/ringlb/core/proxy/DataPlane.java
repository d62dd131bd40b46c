package io.ringlb.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import io.ringlb.api.Replica;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.fleet.Outcome;
import io.ringlb.core.routing.Router;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The balancer's request path: an HTTP/1.1 proxy on Netty. A client's connection and the pooled
 * connections its requests use to reach replicas belong to one event loop, so a request never
 * changes thread and nothing on the path takes a lock; the ring is read through the
 * {@link Router}'s one volatile reference. Bodies stream both ways with back-pressure.
 */
public final class DataPlane implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DataPlane.class.getName());

  private final EventLoopGroup loops;
  private final Channel server;
  private final Transport transport;
  private final Map<EventLoop, ReplicaPools> pools;

  private DataPlane(EventLoopGroup loops, Channel server, Transport transport, Map<EventLoop, ReplicaPools> pools) {
    this.loops = loops;
    this.server = server;
    this.transport = transport;
    this.pools = pools;
  }

  /**
   * Binds {@code settings.port()} and serves until {@link #close()}.
   *
   * @param onFailure told of each replica a request could not reach, on an event loop: it must not block
   * @param threads makes the event loops' threads (on Liberty, a {@code ManagedThreadFactory})
   * @throws IllegalStateException when the port cannot be bound
   */
  public static DataPlane start(ProxySettings settings, Router router, RequestKeyExtractor keys, BiConsumer<Replica, Outcome> onFailure,
      ThreadFactory threads) {
    Transport transport = Transport.best();
    EventLoopGroup loops = transport.group(settings.eventLoops(), threads);
    Map<EventLoop, ReplicaPools> pools = new IdentityHashMap<>();
    for (EventExecutor executor : loops) {
      EventLoop loop = (EventLoop) executor;
      pools.put(loop, new ReplicaPools(loop, transport, settings, router));
    }
    Plane plane = new Plane(settings, router, keys, onFailure);
    HttpDecoderConfig decoding = new HttpDecoderConfig()
        .setMaxInitialLineLength(settings.maxHeaderBytes())
        .setMaxHeaderSize(settings.maxHeaderBytes())
        .setMaxChunkSize(ReplicaPools.MAX_CHUNK_BYTES);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            ClientConnection connection = new ClientConnection(plane, pools.get(channel.eventLoop()));
            channel.pipeline().addLast(
                connection.headWatch(),
                new HttpServerCodec(decoding),
                new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                connection);
          }
        });
    try {
      Channel server = bootstrap.bind(settings.host(), settings.port()).syncUninterruptibly().channel();
      LOG.log(System.Logger.Level.INFO, "ringlb data plane listening on {0} ({1}, {2} event loop(s))", server.localAddress(),
          transport.name().toLowerCase(java.util.Locale.ROOT), settings.eventLoops());
      return new DataPlane(loops, server, transport, pools);
    } catch (RuntimeException bindFailed) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + " (lb.host, lb.port): " + bindFailed, bindFailed);
    }
  }

  /** Where the data plane listens: the bound port when {@code port} was 0. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** {@code epoll} or {@code nio}. */
  public String transport() {
    return transport.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Stops listening, closes every connection and stops the event loops. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    pools.forEach((loop, loopPools) -> loop.execute(loopPools::close));
    loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
