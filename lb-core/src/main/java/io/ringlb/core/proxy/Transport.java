package io.ringlb.core.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/** Linux's epoll where Netty's native library loads, the JDK's selector elsewhere. */
enum Transport {
  EPOLL {
    @Override
    EventLoopGroup group(int threads, ThreadFactory factory) {
      return new EpollEventLoopGroup(threads, factory);
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return EpollServerSocketChannel.class;
    }

    @Override
    Class<? extends SocketChannel> clientChannel() {
      return EpollSocketChannel.class;
    }
  },
  NIO {
    @Override
    EventLoopGroup group(int threads, ThreadFactory factory) {
      return new NioEventLoopGroup(threads, factory);
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return NioServerSocketChannel.class;
    }

    @Override
    Class<? extends SocketChannel> clientChannel() {
      return NioSocketChannel.class;
    }
  };

  static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  abstract EventLoopGroup group(int threads, ThreadFactory factory);

  abstract Class<? extends ServerChannel> serverChannel();

  abstract Class<? extends SocketChannel> clientChannel();
}
