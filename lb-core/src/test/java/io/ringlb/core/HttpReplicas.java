package io.ringlb.core;

import com.sun.net.httpserver.HttpServer;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Replicas as real HTTP servers inside the test's JVM, on loopback ports: they answer {@code
 * /home} and {@code /heartbeat} as the replica web app does, in milliseconds instead of the
 * seconds a Liberty server takes, so the engine's logic is tested against real sockets.
 */
public final class HttpReplicas implements ReplicaLauncher {

  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Every start asked of this launcher, in order: lets a test see that nothing was started. */
  public final List<String> starts = new CopyOnWriteArrayList<>();
  public final List<String> stops = new CopyOnWriteArrayList<>();
  /** Names whose next start fails, as a provider that cannot pull an image would. */
  public final Set<String> failing = ConcurrentHashMap.newKeySet();
  /** How long each start takes, as a real process or container takes seconds. */
  public volatile java.time.Duration startDelay = java.time.Duration.ZERO;

  private record Running(Replica replica, HttpServer server) {}

  @Override
  public Replica start(ReplicaSpec spec) {
    starts.add(spec.name());
    if (failing.contains(spec.name())) {
      throw new ReplicaLaunchException("cannot start " + spec.name() + ": told to fail");
    }
    try {
      Thread.sleep(startDelay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        int status;
        if (path.equals("/home")) {
          body = ("{\"message\":\"Hello from Server: " + spec.name() + "\",\"status\":\"successful\"}").getBytes(StandardCharsets.UTF_8);
          status = 200;
          exchange.getResponseHeaders().add("Content-Type", "application/json");
        } else if (path.equals("/heartbeat")) {
          body = new byte[0];
          status = 200;
        } else if (path.equals("/echo")) {
          String forwardedFor = String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
          String connection = String.valueOf(exchange.getRequestHeaders().getFirst("X-Hop"));
          body = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " xff=" + forwardedFor + " hop=" + connection + " body="
              + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
          status = 201;
          exchange.getResponseHeaders().add("X-Served-By", spec.name());
          exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
        } else {
          body = new byte[0];
          status = 404;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          exchange.getResponseBody().write(body);
        }
        exchange.close();
      });
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
      Replica replica = new Replica(spec.name(), spec.id(), "127.0.0.1", server.getAddress().getPort());
      running.put(spec.name(), new Running(replica, server));
      return replica;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop(Replica replica) {
    stops.add(replica.name());
    Running found = running.get(replica.name());
    if (found != null && found.replica().equals(replica)) {
      running.remove(replica.name());
      found.server().stop(0);
    }
  }

  @Override
  public List<Replica> list() {
    return running.values().stream().map(Running::replica).toList();
  }

  /** Kills a replica behind the fleet's back, as SIGKILL would: it stops answering at once. */
  public Replica kill(String name) {
    Running found = running.remove(name);
    found.server().stop(0);
    return found.replica();
  }

  public Set<String> names() {
    return Set.copyOf(running.keySet());
  }

  /** As a real provider's: releases the launcher, leaves replicas running (the fleet stops them). */
  @Override
  public void close() {}

  /** For the tests' own cleanup: every server this launcher started, stopped. */
  public void stopAll() {
    running.values().forEach(r -> r.server().stop(0));
    running.clear();
  }
}
