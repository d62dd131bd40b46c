package io.ringlb.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Router;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's kept-alive connections to the replicas, a bounded pool per replica. Only its
 * own loop touches it, so nothing here locks. A pool whose replica has left the ring is closed as
 * soon as the loop hears of the ring ({@link #sync}): requests waiting on the replica that may go
 * elsewhere go at once, the others finish on their connections, which close as they come back.
 */
final class ReplicaPools {

  /** Response heads from replicas may be larger than what clients are allowed. */
  private static final int MAX_RESPONSE_HEADER_BYTES = 65_536;
  /** Body bytes a decoded chunk may carry: fewer, larger objects per megabyte streamed. */
  static final int MAX_CHUNK_BYTES = 65_536;

  private final Bootstrap bootstrap;
  private final EventLoop loop;
  private final ProxySettings settings;
  private final Router router;
  private final Map<Replica, ReplicaPool> pools = new HashMap<>();

  ReplicaPools(EventLoop loop, Transport transport, ProxySettings settings, Router router) {
    this.loop = loop;
    this.settings = settings;
    this.router = router;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true);
  }

  /** The pool of connections to {@code replica}, made on first use. */
  ReplicaPool pool(Replica replica) {
    ReplicaPool pool = pools.get(replica);
    if (pool == null) {
      pool = create(replica);
      pools.put(replica, pool);
    }
    return pool;
  }

  /** A ring was published: the pools of replicas not in it close. Runs on this pool's loop, for every ring, in order. */
  void sync(HashRing ring) {
    List<ReplicaPool> leavers = new ArrayList<>();
    for (Iterator<Map.Entry<Replica, ReplicaPool>> it = pools.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Replica, ReplicaPool> entry = it.next();
      Replica replica = entry.getKey();
      boolean admin = settings.admin().filter(replica::equals).isPresent();
      if (!admin && !ring.replicas().get(replica.name()).filter(replica::equals).isPresent()) {
        leavers.add(entry.getValue());
        it.remove();
      }
    }
    // closed only once the map is settled: a closing pool fails its waiting requests, which go on to other pools at once
    leavers.forEach(ReplicaPool::left);
  }

  private ReplicaPool create(Replica replica) {
    Bootstrap connecting = bootstrap.clone()
        .remoteAddress(InetSocketAddress.createUnresolved(replica.host(), replica.port()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            IdleStateHandler silence = new IdleStateHandler(settings.responseTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS);
            channel.pipeline().addLast(
                new HttpClientCodec(4096, MAX_RESPONSE_HEADER_BYTES, MAX_CHUNK_BYTES),
                silence,
                new ReplicaConnection(silence));
          }
        });
    return new ReplicaPool(connecting::connect, loop, settings.connectionsPerReplica(), settings.responseTimeout().toNanos());
  }

  /** Whether {@code replica} is in the ring requests are routed on now, as this very instance. */
  boolean inRing(Replica replica) {
    return router.ring().replicas().get(replica.name()).filter(replica::equals).isPresent();
  }

  /** Closes every pool; connections in use close as they are released. */
  void close() {
    List<ReplicaPool> closing = List.copyOf(pools.values());
    pools.clear();
    closing.forEach(ReplicaPool::close); // as in closeLeavers: a failed waiting request may ask for a pool again
  }
}
