package io.ringlb.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import io.ringlb.core.tls.ReplicaTls;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;

/**
 * One event loop's kept-alive connections to the replicas, a bounded pool per replica. Only its
 * own loop touches it, so nothing here locks. A pool whose replica has left the ring is closed as
 * soon as the loop hears of the ring ({@link #sync}): requests waiting on the replica that may go
 * elsewhere go at once, the others finish on their connections, which close as they come back.
 */
final class ReplicaPools {

  /** Response heads from replicas may be larger than what clients are allowed. */
  static final int MAX_RESPONSE_HEADER_BYTES = 65_536;
  /** Body bytes a decoded chunk may carry: fewer, larger objects per megabyte streamed. */
  static final int MAX_CHUNK_BYTES = 65_536;

  private final Bootstrap bootstrap;
  private final EventLoop loop;
  private final ProxySettings settings;
  private final Router router;
  private final EngineClock clock;
  private final Map<Replica, ReplicaPool> pools = new HashMap<>();
  /** Connections to replicas written to in this turn of the loop, flushed at its end. */
  private final List<Channel> unflushed = new ArrayList<>();
  private final Runnable flushUnflushed = this::flushUnflushed;

  /** @param clock times the replicas' answers and the requests waiting for a connection */
  ReplicaPools(EventLoop loop, Transport transport, ProxySettings settings, Router router, EngineClock clock) {
    this.loop = loop;
    this.clock = clock;
    this.settings = settings;
    this.router = router;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // bounded by the engine's clock instead, in spoken()
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
      if (!isAdmin(replica) && !ring.replicas().get(replica.name()).filter(replica::equals).isPresent()) {
        leavers.add(entry.getValue());
        it.remove();
      }
    }
    // closed only once the map is settled: a closing pool fails its waiting requests, which go on to other pools at once
    leavers.forEach(ReplicaPool::left);
  }

  private ReplicaPool create(Replica replica) {
    // the host's admin endpoint (Liberty, on loopback) speaks HTTP/1.1 in the clear, whatever the replicas speak
    ReplicaLink link = isAdmin(replica) ? ReplicaLink.CLEARTEXT_HTTP_1_1 : settings.replicaLink();
    Bootstrap connecting = bootstrap.clone()
        .remoteAddress(InetSocketAddress.createUnresolved(replica.host(), replica.port()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            link.tls().ifPresent(tls -> {
              SslHandler handshaking = tls.newHandler(channel.alloc(), replica.host(), replica.port());
              handshaking.setHandshakeTimeoutMillis(0); // connecting ends with the handshake: bounded with it, in spoken()
              channel.pipeline().addLast(handshaking);
            });
            if (link.protocol().multiplexed()) {
              ReplicaHttp2Pipeline.install(channel.pipeline(), settings, clock);
              return;
            }
            // its own timeout is the pool's idle one; an exchange waits on the replica for the response timeout (awaitAnswer)
            IdleTimer silence = IdleTimer.reading(clock, settings.replicaIdleTimeout());
            channel.pipeline().addLast(
                new ReplicaCodec(new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(MAX_RESPONSE_HEADER_BYTES)
                    .setMaxChunkSize(MAX_CHUNK_BYTES)),
                silence,
                new ReplicaConnection(silence));
          }
        });
    Supplier<ChannelFuture> connector = () -> spoken(connecting.connect(), replica, link);
    return link.protocol().multiplexed() ? new StreamPool(connector, ReplicaHttp2Pipeline.streamHandlers(settings, clock))
        : new ConnectionPool(connector, loop, clock, settings.connectionsPerReplica(), settings.responseTimeout(), link.tls().isPresent());
  }

  /**
   * A future that completes once {@code connected} has, and over TLS once the handshake is done
   * as well, the replica's certificate and name checked, and ALPN has settled on the protocol
   * wanted, and over HTTP/2 once the replica's first SETTINGS has come. A connection that fails
   * any of these, or does not get through them all within {@code lb.forward.connect-timeout-ms} on
   * the engine's clock, failed to connect, so its request goes to the next replica: nothing of it
   * was sent.
   */
  private ChannelFuture spoken(ChannelFuture connected, Replica replica, ReplicaLink link) {
    Channel channel = connected.channel();
    ChannelPromise spoken = channel.newPromise();
    Cancellable deadline = clock.schedule(settings.connectTimeout(), () -> {
      String within = replica.name() + " within " + settings.connectTimeout().toMillis() + " ms (lb.forward.connect-timeout-ms)";
      Exception late = !connected.isSuccess() ? new ConnectTimeoutException("no connection to " + within)
          : link.tls().isPresent() && !channel.pipeline().get(SslHandler.class).handshakeFuture().isDone()
              ? new SslHandshakeTimeoutException("no TLS handshake with " + within)
              : new ConnectTimeoutException("no HTTP/2 SETTINGS from " + within);
      if (spoken.tryFailure(late)) {
        channel.close();
      }
    }, loop);
    spoken.addListener(done -> deadline.cancel());
    Optional<ReplicaTls> tls = link.tls();
    connected.addListener((ChannelFutureListener) connecting -> {
      if (!connecting.isSuccess()) {
        spoken.tryFailure(connecting.cause());
        return;
      }
      if (tls.isEmpty()) {
        ready(channel, link, spoken);
        return;
      }
      SslHandler handshaking = channel.pipeline().get(SslHandler.class);
      handshaking.handshakeFuture().addListener(handshake -> {
        String agreed = ReplicaTls.agreed(handshaking);
        if (!handshake.isSuccess()) {
          spoken.tryFailure(handshake.cause());
        } else if (!agreed.equals(tls.get().applicationProtocol())) {
          channel.close();
          spoken.tryFailure(new SSLHandshakeException(replica.name() + " agreed to " + agreed + " by ALPN, not to " + tls.get().applicationProtocol()
              + " (lb.forward.protocol)"));
        } else {
          ready(channel, link, spoken);
        }
      });
    });
    return spoken;
  }

  /** Completes {@code spoken} once {@code channel} takes requests: at once for HTTP/1.1, for HTTP/2 once the replica's SETTINGS came. */
  private static void ready(Channel channel, ReplicaLink link, ChannelPromise spoken) {
    if (!link.protocol().multiplexed()) {
      spoken.trySuccess();
      return;
    }
    ReplicaHttp2Pipeline.settingsReceived(channel).addListener(settings -> {
      if (settings.isSuccess()) {
        spoken.trySuccess();
      } else {
        spoken.tryFailure(settings.cause());
      }
    });
  }

  /** Whether {@code replica} is the host's admin endpoint, which is in no ring. */
  private boolean isAdmin(Replica replica) {
    return settings.admin().filter(replica::equals).isPresent();
  }

  /** Whether {@code replica} is in the ring requests are routed on now, as this very instance. */
  boolean inRing(Replica replica) {
    return router.ring().replicas().get(replica.name()).filter(replica::equals).isPresent();
  }

  /**
   * Flushes {@code channel}, a connection of this loop's to a replica, once the loop has handled
   * everything ready in this turn: the requests read from every client in one turn then leave
   * one write right after another, not each between the reading and decoding of the next. A
   * replica woken by the first more often finds the others already there, and parks and wakes
   * its threads fewer times per request, which costs it CPU (docs/benchmarks.md).
   */
  void flushLater(Channel channel) {
    assert loop.inEventLoop() : "a connection of another loop's";
    if (unflushed.isEmpty()) {
      loop.execute(flushUnflushed);
    }
    unflushed.add(channel);
  }

  private void flushUnflushed() {
    try {
      // by index: a flush that fails a connection may send its request to another replica, which comes back here
      for (int i = 0; i < unflushed.size(); i++) {
        unflushed.get(i).flush();
      }
    } finally {
      unflushed.clear(); // whatever happened, the next turn's connections are flushed at its end again
    }
  }

  /** Closes every pool; connections in use close as they are released. */
  void close() {
    List<ReplicaPool> closing = List.copyOf(pools.values());
    pools.clear();
    closing.forEach(ReplicaPool::close); // as in closeLeavers: a failed waiting request may ask for a pool again
  }
}
