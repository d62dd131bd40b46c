package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Kept-alive connections to one replica, owned by one event loop: at most {@code max} open, the
 * most recently used handed out first, and a request beyond the bound waiting its turn for at
 * most {@code wait}. Only its own loop touches it, so it needs no lock and no promise: Netty's
 * {@code FixedChannelPool}, made for pools shared between threads, measured several percent of
 * the request path in promises and a concurrent deque.
 */
final class ConnectionPool implements ReplicaPool {

  /** A request waiting for a connection; {@code fresh} when it takes none that was kept alive. */
  private record Waiter(Consumer<Channel> acquired, Consumer<Throwable> failed, boolean fresh, Cancellable[] timeout) {}

  private final Supplier<ChannelFuture> connector;
  private final EventExecutor loop;
  private final EngineClock clock;
  private final int max;
  private final Duration wait;
  /** Whether its connections speak TLS, whose close is not at once ({@link #usable}). */
  private final boolean tls;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  /** Every connection open or opening, idle or in use: told when the replica leaves the ring. */
  private final List<Channel> connections = new ArrayList<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int open;
  private boolean closed;

  /**
   * @param connector opens a connection to the replica on {@code loop}, with the connection's handlers
   * @param loop the pool's own event loop, which alone touches it and times its waiting requests
   * @param clock what the waiting requests are timed by
   * @param tls whether the connections speak TLS
   */
  ConnectionPool(Supplier<ChannelFuture> connector, EventExecutor loop, EngineClock clock, int max, Duration wait, boolean tls) {
    this.connector = connector;
    this.loop = loop;
    this.clock = clock;
    this.max = max;
    this.wait = wait;
    this.tls = tls;
  }

  @Override
  public void acquire(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    take(acquired, failed, false);
  }

  @Override
  public void acquireNew(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    take(acquired, failed, true);
  }

  /** A connection for a request: a kept one unless {@code fresh}, else a new one, else a wait in the queue. */
  private void take(Consumer<Channel> acquired, Consumer<Throwable> failed, boolean fresh) {
    if (closed) {
      failed.accept(new IllegalStateException("the replica has left the ring"));
      return;
    }
    for (Channel channel; !fresh && (channel = idle.pollFirst()) != null; ) {
      if (usable(channel)) {
        acquired.accept(channel);
        return;
      }
      channel.close(); // closing already, or closed: its place is freed once it is
    }
    if (open < max) {
      connect(acquired, failed);
      return;
    }
    await(new Waiter(acquired, failed, fresh, new Cancellable[1]));
  }

  /** Queues {@code waiter} for at most the pool's wait: at the head when it wants a new connection, which the next one released makes room for. */
  private void await(Waiter waiter) {
    waiter.timeout()[0] = clock.schedule(wait, () -> {
      if (waiting.remove(waiter)) {
        waiter.failed().accept(new TimeoutException("no connection to the replica came free in time"));
      }
    }, loop);
    if (waiter.fresh()) {
      waiting.addFirst(waiter);
    } else {
      waiting.addLast(waiter);
    }
  }

  /** Takes a connection back: kept for the next request when {@code reusable}, else closed. */
  @Override
  public void release(Channel channel, boolean reusable) {
    if (!reusable || closed || !usable(channel) || (!waiting.isEmpty() && waiting.peek().fresh())) {
      channel.close(); // its close listener frees its place, for a new connection to the request waiting first
      return;
    }
    Waiter next = waiting.poll();
    if (next != null) {
      next.timeout()[0].cancel();
      next.acquired().accept(channel);
    } else {
      idle.addFirst(channel);
    }
  }

  /**
   * Whether {@code channel} can carry another request: open, and not closing. A connection over
   * TLS that has sent its close_notify (closed for bytes no request asked for) stays open until
   * that is written, which with a full send buffer is not at once; one that has read the
   * replica's close_notify may stay open too (TLS 1.3 closes each way on its own).
   */
  private boolean usable(Channel channel) {
    if (!channel.isActive()) {
      return false;
    }
    if (!tls) {
      return true;
    }
    SslHandler handler = channel.pipeline().get(SslHandler.class);
    return handler != null && !handler.engine().isOutboundDone() && !handler.engine().isInboundDone();
  }

  private void connect(Consumer<Channel> acquired, Consumer<Throwable> failed) {
    open++;
    ChannelFuture connecting = connector.get();
    Channel channel = connecting.channel();
    connections.add(channel);
    channel.closeFuture().addListener((ChannelFutureListener) gone -> {
      open--;
      idle.remove(channel);
      connections.remove(channel);
      Waiter next = closed ? null : waiting.poll();
      if (next != null) {
        next.timeout()[0].cancel();
        connect(next.acquired(), next.failed());
      }
    });
    connecting.addListener((ChannelFutureListener) result -> {
      if (result.isSuccess() && closed) {
        channel.close(); // the replica left the ring while this connection was being made
        failed.accept(new IllegalStateException("the replica has left the ring"));
      } else if (result.isSuccess()) {
        acquired.accept(channel);
      } else {
        failed.accept(result.cause());
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    // closing on the pool's own loop runs each connection's close listener at once, which takes it out of idle
    List<Channel> closing = List.copyOf(idle);
    idle.clear();
    closing.forEach(Channel::close);
    for (Waiter waiter; (waiter = waiting.poll()) != null; ) {
      waiter.timeout()[0].cancel();
      waiter.failed().accept(new IllegalStateException("the replica has left the ring"));
    }
  }

  @Override
  public void left() {
    close();
    ReplicaConnection.replicaLeft(List.copyOf(connections));
  }

}
