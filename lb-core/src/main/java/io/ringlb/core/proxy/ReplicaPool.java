package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * Where an event loop's requests get a channel to one replica: a pooled HTTP/1.1 connection of
 * their own ({@link ConnectionPool}), or a stream of the replica's one HTTP/2 connection
 * ({@link StreamPool}). Either way the channel speaks Netty's {@code HttpObject}s and ends in a
 * {@link ReplicaConnection}. Only its own event loop touches a pool.
 */
interface ReplicaPool {

  /** Hands a channel to {@code acquired}, or the reason there is none to {@code failed}; either may run at once. */
  void acquire(Consumer<Channel> acquired, Consumer<Throwable> failed);

  /**
   * Hands a channel no request has used before, ahead of the requests waiting for one: for a
   * request whose kept-alive connection was lost under it, which is not to meet another such.
   */
  void acquireNew(Consumer<Channel> acquired, Consumer<Throwable> failed);

  /** Takes a channel back once its request has ended: used again when {@code reusable} and the pool can, else closed. */
  void release(Channel channel, boolean reusable);

  /** Closes what is idle and fails the requests waiting; channels in use close as they come back. */
  void close();

  /** The replica has left the ring: the pool closes, and each request in flight on it is told, as it may go elsewhere now. */
  void left();
}
