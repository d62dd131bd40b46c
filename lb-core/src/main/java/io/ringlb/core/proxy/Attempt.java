package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Loads;

/**
 * One try of a request at one replica: counted in the replica's load from the moment it is
 * chosen, holding a pooled connection once one is acquired, until it is released. Confined to
 * the event loop of the request's exchange.
 */
final class Attempt {

  final Replica replica;
  /** When it was sent the replica's way, by the plane's clock. */
  final long startedNanos;
  /** Where it is counted, or null when it is not (a call to the admin endpoint). */
  private Loads counted;
  private ReplicaPool pool;
  private Channel channel;
  private ReplicaConnection connection;

  /** @param counted the loads the attempt was counted in when chosen, or null */
  Attempt(Replica replica, long startedNanos, Loads counted) {
    this.replica = replica;
    this.startedNanos = startedNanos;
    this.counted = counted;
  }

  /** The pooled connection it was given, its handler now serving {@code exchange}. */
  void connected(ReplicaPool from, Channel acquired, Exchange exchange) {
    pool = from;
    channel = acquired;
    connection = acquired.pipeline().get(ReplicaConnection.class);
    connection.attach(exchange);
  }

  /** The connection to the replica, or null before it is acquired and after it is released. */
  Channel channel() {
    return channel;
  }

  ReplicaConnection connection() {
    return connection;
  }

  /** No longer a request in flight (its connection became a tunnel): the load count ends. */
  void uncount() {
    if (counted != null) {
      counted.end(replica);
      counted = null;
    }
  }

  /**
   * Ends the attempt: the load count ends, and the connection, if any, goes back to its pool to
   * be used again or closed.
   */
  void release(boolean reusable) {
    uncount();
    if (channel == null) {
      return;
    }
    connection.detach();
    if (reusable) {
      channel.config().setAutoRead(true); // a pooled connection reads, so a replica closing it is noticed at once
    }
    pool.release(channel, reusable);
    channel = null;
    connection = null;
  }

  /**
   * Closes the connection, which was lost under the request, and keeps the attempt counted: the
   * request goes to the same replica again.
   *
   * @return the pool the connection came from, which gives the next
   */
  ReplicaPool dropConnection() {
    ReplicaPool from = pool;
    connection.detach();
    pool.release(channel, false);
    channel = null;
    connection = null;
    return from;
  }

  /** Gives the connection up to a tunnel: it leaves the pool's care, and the exchange's. */
  Channel detachForTunnel() {
    Channel tunnel = channel;
    connection.detach();
    channel = null;
    connection = null;
    return tunnel;
  }
}
