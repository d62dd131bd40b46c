package io.ringlb.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Router;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's kept-alive connections to the replicas, a bounded pool per replica. Only its
 * own loop touches it, so nothing here locks. A pool whose replica has left the ring is closed
 * the next time the loop routes a request: in-flight requests finish on their connections, which
 * are closed as they come back.
 */
final class ReplicaPools {

  /** Response heads from replicas may be larger than what clients are allowed. */
  private static final int MAX_RESPONSE_HEADER_BYTES = 65_536;
  /** Body bytes a decoded chunk may carry: fewer, larger objects per megabyte streamed. */
  static final int MAX_CHUNK_BYTES = 65_536;

  private final Bootstrap bootstrap;
  private final ProxySettings settings;
  private final Router router;
  private final Map<Replica, FixedChannelPool> pools = new HashMap<>();
  private HashRing seen;

  ReplicaPools(EventLoop loop, Transport transport, ProxySettings settings, Router router) {
    this.settings = settings;
    this.router = router;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, false);
  }

  /** The pool of connections to {@code replica}, made on first use. */
  FixedChannelPool pool(Replica replica) {
    HashRing ring = router.ring();
    if (ring != seen) {
      seen = ring;
      closeLeavers(ring);
    }
    FixedChannelPool pool = pools.get(replica);
    if (pool == null) {
      pool = create(replica);
      pools.put(replica, pool);
    }
    return pool;
  }

  private void closeLeavers(HashRing ring) {
    for (Iterator<Map.Entry<Replica, FixedChannelPool>> it = pools.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Replica, FixedChannelPool> entry = it.next();
      Replica replica = entry.getKey();
      boolean admin = settings.admin().filter(replica::equals).isPresent();
      if (!admin && !ring.replicas().get(replica.name()).filter(replica::equals).isPresent()) {
        entry.getValue().closeAsync();
        it.remove();
      }
    }
  }

  private FixedChannelPool create(Replica replica) {
    long waitMillis = settings.responseTimeout().toMillis();
    return new FixedChannelPool(bootstrap.clone().remoteAddress(InetSocketAddress.createUnresolved(replica.host(), replica.port())),
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel channel) {
            channel.pipeline().addLast(
                new HttpClientCodec(4096, MAX_RESPONSE_HEADER_BYTES, MAX_CHUNK_BYTES),
                new IdleStateHandler(settings.responseTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                new ReplicaConnection());
          }

          @Override
          public void channelReleased(Channel channel) {
            // a read outstanding while the connection sits idle notices at once when the replica closes it
            channel.read();
          }
        },
        ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL, waitMillis,
        settings.connectionsPerReplica(), Integer.MAX_VALUE, true, true);
  }

  /** Closes every pool; connections in use close as they are released. */
  void close() {
    pools.values().forEach(FixedChannelPool::closeAsync);
    pools.clear();
  }
}
