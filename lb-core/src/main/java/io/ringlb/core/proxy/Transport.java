package io.ringlb.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Linux's io_uring where the kernel lets the process use it, epoll where Netty's native library
 * loads but io_uring is refused (newer Docker engines' default seccomp profile refuses it to
 * containers, and a kernel may be set to refuse it to everyone), the JDK's selector elsewhere.
 * io_uring takes a turn's reads and writes from the event loop in one system call where epoll
 * makes one per socket; under h2load over TLS at 8 streams per connection, on two cores shared
 * with three replicas, that took the balancer from 0.89 to 0.92 of HAProxy's throughput at 1.35
 * to 1.38 times its CPU per request, to 1.06 to 1.10 at 1.13 to 1.20, in three runs each
 * (docs/benchmarks.md). Netty 4.2 on epoll read as 4.1 did: it is the transport.
 */
enum Transport {
  IO_URING {
    @Override
    EventLoopGroup group(int threads, ThreadFactory factory) {
      return new MultiThreadIoEventLoopGroup(threads, factory, IoUringIoHandler.newFactory());
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return IoUringServerSocketChannel.class;
    }

    @Override
    Class<? extends SocketChannel> clientChannel() {
      return IoUringSocketChannel.class;
    }

    @Override
    ServerBootstrap accepting(ServerBootstrap bootstrap) {
      return bootstrap.childOption(IoUringChannelOption.TCP_NOTSENT_LOWAT, UNSENT_BYTES);
    }
  },
  EPOLL {
    @Override
    EventLoopGroup group(int threads, ThreadFactory factory) {
      return new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory());
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return EpollServerSocketChannel.class;
    }

    @Override
    Class<? extends SocketChannel> clientChannel() {
      return EpollSocketChannel.class;
    }

    @Override
    ServerBootstrap accepting(ServerBootstrap bootstrap) {
      return bootstrap.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, UNSENT_BYTES);
    }
  },
  NIO {
    @Override
    EventLoopGroup group(int threads, ThreadFactory factory) {
      return new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory());
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return NioServerSocketChannel.class;
    }

    @Override
    Class<? extends SocketChannel> clientChannel() {
      return NioSocketChannel.class;
    }

    @Override
    ServerBootstrap accepting(ServerBootstrap bootstrap) {
      return bootstrap; // the JDK has no such option: the kernel's buffer grows, and a slow client's progress shows later
    }
  };

  /**
   * At most this much of an answer waits unsent in the kernel for a client (Linux's {@code
   * TCP_NOTSENT_LOWAT}; bytes sent and not yet acknowledged count apart). Left alone the kernel
   * holds up to {@code tcp_wmem}'s limit (4 MiB by default) and reports room again only once a
   * third of that has gone: a client taking a large answer steadily but slowly (under 22 KiB/s
   * at the default {@code lb.client.idle-timeout-ms}) would show the data plane no progress for
   * an idle timeout, and be closed as one that takes nothing. Bounded, the kernel reports room
   * once half the bound has gone, so the client's reading shows within about 100 KiB; and what
   * waits unsent for a slow client in the kernel is that bound, not MiBs.
   */
  private static final long UNSENT_BYTES = 64 * 1024;

  static Transport best() {
    if (IoUring.isAvailable()) {
      return IO_URING;
    }
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  abstract EventLoopGroup group(int threads, ThreadFactory factory);

  abstract Class<? extends ServerChannel> serverChannel();

  abstract Class<? extends SocketChannel> clientChannel();

  /** {@code bootstrap}, with what this transport sets on the clients' connections it accepts. */
  abstract ServerBootstrap accepting(ServerBootstrap bootstrap);
}
