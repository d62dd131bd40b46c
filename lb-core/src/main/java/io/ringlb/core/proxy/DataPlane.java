package io.ringlb.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.ringlb.api.HashRing;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock.Cancellable;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.tls.ServerTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The balancer's request path: an HTTP/1.1 proxy on Netty. A client's connection and the pooled
 * connections its requests use to reach replicas belong to one event loop, so a request never
 * changes thread and nothing on the path takes a lock; the ring is read through the
 * {@link Router}'s one volatile reference. Bodies stream both ways with back-pressure.
 */
public final class DataPlane implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DataPlane.class.getName());
  /** How often a drain looks whether the requests in flight have ended. */
  private static final Duration DRAIN_CHECK = Duration.ofMillis(10);
  /** How long past the drain timeout closing waits for the clock's timer to say it has passed. */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

  private final EventLoopGroup loops;
  private final ChannelFuture bound;
  /** The TLS port's bind, when there is one. */
  private final Optional<ChannelFuture> tlsBound;
  private final Optional<ServerTls> tls;
  /** Reads the TLS files again now and then; cancelled on close. */
  private final Cancellable reloading;
  /** The client connections that speak HTTP/2, each told GOAWAY when the data plane stops. */
  private final Http2Connections http2;
  private final Transport transport;
  private final Map<EventLoop, ReplicaPools> pools;
  private final Router router;
  private final Consumer<HashRing> leavers;
  private final AccessLog accessLog;
  private final EngineClock clock;

  private DataPlane(EventLoopGroup loops, ChannelFuture bound, Optional<ChannelFuture> tlsBound, Optional<ServerTls> tls, Cancellable reloading,
      Http2Connections http2, Transport transport, Map<EventLoop, ReplicaPools> pools, Router router, Consumer<HashRing> leavers, AccessLog accessLog, EngineClock clock) {
    this.loops = loops;
    this.bound = bound;
    this.tlsBound = tlsBound;
    this.tls = tls;
    this.reloading = reloading;
    this.http2 = http2;
    this.transport = transport;
    this.pools = pools;
    this.router = router;
    this.leavers = leavers;
    this.accessLog = accessLog;
    this.clock = clock;
  }

  /**
   * Starts binding {@code settings.port()} and serves until {@link #close()}. It does not wait
   * for the bind: on Liberty a managed thread runs only once the application has started, and
   * the application starts this. {@link #address()} waits, and fails if the port could not be
   * bound.
   *
   * @param plane what its connections share; the data plane takes its access log over:
   *     {@link #close(Duration)} closes it once the event loops have stopped, so it holds every line
   * @param threads makes the event loops' threads (on Liberty, a {@code ManagedThreadFactory})
   * @param tls TLS on a port of its own beside {@code settings.port()}, its files read again every {@code reloadInterval}; empty for none
   */
  public static DataPlane start(Plane plane, ThreadFactory threads, Optional<ServerTls> tls) {
    ProxySettings settings = plane.settings();
    Router router = plane.router();
    EngineClock clock = plane.clock();
    Transport transport = Transport.best();
    EventLoopGroup loops = transport.group(settings.eventLoops(), threads);
    Map<EventLoop, ReplicaPools> pools = new IdentityHashMap<>();
    for (EventExecutor executor : loops) {
      EventLoop loop = (EventLoop) executor;
      pools.put(loop, new ReplicaPools(loop, transport, settings, router, clock));
    }
    Http2Connections http2 = new Http2Connections();
    ServerBootstrap bootstrap = transport.accepting(new ServerBootstrap())
        .group(loops)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ClientPipeline(plane, pools::get, Optional.empty(), http2));
    // requests waiting on a replica that left the ring go elsewhere as soon as each loop hears of it
    Consumer<HashRing> leavers = ring -> pools.forEach((loop, loopPools) -> {
      try {
        loop.execute(() -> loopPools.sync(ring));
      } catch (RejectedExecutionException stopping) {
        // the data plane is closing: its pools close with it
      }
    });
    router.watch(leavers);
    ChannelFuture bound = bootstrap.bind(settings.host(), settings.port());
    bound.addListener((ChannelFutureListener) result -> {
      if (result.isSuccess()) {
        LOG.log(System.Logger.Level.INFO, "ringlb data plane listening on {0} ({1}, {2} event loop(s))", result.channel().localAddress(),
            transport.name().toLowerCase(Locale.ROOT), settings.eventLoops());
      } else {
        LOG.log(System.Logger.Level.ERROR, "ringlb data plane cannot listen on " + settings.host() + ":" + settings.port() + " (lb.host, lb.port)",
            result.cause());
      }
    });
    Optional<ChannelFuture> tlsBound = tls.map(serving -> {
      ChannelFuture binding = bootstrap.clone().childHandler(new ClientPipeline(plane, pools::get, tls, http2)).bind(settings.host(), serving.port());
      binding.addListener((ChannelFutureListener) result -> {
        if (result.isSuccess()) {
          LOG.log(System.Logger.Level.INFO, "ringlb data plane listening for TLS on {0} ({1}; ALPN h2, http/1.1)", result.channel().localAddress(),
              serving.providerName());
        } else {
          LOG.log(System.Logger.Level.ERROR, "ringlb data plane cannot listen for TLS on " + settings.host() + ":" + serving.port() + " (lb.tls.port)",
              result.cause());
        }
      });
      return binding;
    });
    Cancellable reloading = tls.map(serving -> clock.every(serving.reloadInterval(), serving::reload)).orElse(Cancellable.NONE);
    return new DataPlane(loops, bound, tlsBound, tls, reloading, http2, transport, pools, router, leavers, plane.accessLog(), clock);
  }

  /** The event loops the connections run on. */
  EventLoopGroup loops() {
    return loops;
  }

  /**
   * Where the data plane listens (the bound port when {@code port} was 0), once it does.
   *
   * @throws IllegalStateException when the port could not be bound
   */
  public InetSocketAddress address() {
    bound.awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException("the data plane cannot listen (lb.host, lb.port): " + bound.cause(), bound.cause());
    }
    return (InetSocketAddress) bound.channel().localAddress();
  }

  /**
   * Where the data plane listens for TLS, once it does; empty without {@code lb.tls.port}.
   *
   * @throws IllegalStateException when the port could not be bound
   */
  public Optional<InetSocketAddress> tlsAddress() {
    return tlsBound.map(binding -> {
      binding.awaitUninterruptibly();
      if (!binding.isSuccess()) {
        throw new IllegalStateException("the data plane cannot listen for TLS (lb.host, lb.tls.port): " + binding.cause(), binding.cause());
      }
      return (InetSocketAddress) binding.channel().localAddress();
    });
  }

  /** The TLS the data plane serves, if any: its certificate's end, for a metric. */
  public Optional<ServerTls> tls() {
    return tls;
  }

  /** Whether the data plane has bound its ports and takes clients: for a readiness check, never waits. */
  public boolean listening() {
    return bound.isSuccess() && bound.channel().isActive()
        && tlsBound.map(binding -> binding.isSuccess() && binding.channel().isActive()).orElse(true);
  }

  /** {@code io_uring}, {@code epoll} or {@code nio}. */
  public String transport() {
    return transport.name().toLowerCase(Locale.ROOT);
  }

  /** Stops listening, closes every connection and stops the event loops, cutting requests in flight; then writes out the access log. */
  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /**
   * Stops listening, tells every HTTP/2 client GOAWAY, lets the requests in flight finish for at
   * most {@code drain}, as HAProxy's soft stop does, then closes every connection and stops the
   * event loops. The access log is
   * closed last, with a line for every request, those cut included.
   */
  public void close(Duration drain) {
    reloading.cancel();
    bound.channel().close().awaitUninterruptibly();
    tlsBound.ifPresent(binding -> binding.channel().close().awaitUninterruptibly());
    http2.goAway(drain);
    if (router.loads().total() > 0) {
      // the clock's timers: one looks whether the requests have ended, one ends the wait at the drain timeout
      CompletableFuture<Void> drained = new CompletableFuture<>();
      Cancellable looking = clock.every(DRAIN_CHECK, () -> {
        if (router.loads().total() == 0) {
          drained.complete(null);
        }
      });
      Cancellable deadline = clock.schedule(drain, () -> drained.complete(null));
      try {
        // bounded in any case: a clock whose timers do not run (closed, or moved by a test that waits here) must not hold the close
        drained.get(drain.plus(DRAIN_GRACE).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // the drain timeout has passed: the requests left are cut below
      } finally {
        looking.cancel();
        deadline.cancel();
      }
    }
    if (router.loads().total() > 0) {
      LOG.log(System.Logger.Level.WARNING, "{0} requests were still in flight after the drain timeout; closing their connections",
          router.loads().total());
    }
    router.unwatch(leavers);
    try {
      pools.forEach((loop, loopPools) -> loop.execute(loopPools::close));
      loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    } finally {
      accessLog.close(); // no event loop logs any more
    }
  }
}
