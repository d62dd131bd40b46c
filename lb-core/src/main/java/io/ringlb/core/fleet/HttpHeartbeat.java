package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.EngineClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A heartbeat over HTTP: {@code GET <path>} answered with 200 within the timeout passes. A 503
 * is a replica saying it is not ready, as MicroProfile Health's readiness answers: alive, out
 * of the ring for now. The path is the exercise's {@code /heartbeat} by default, which a ringlb
 * replica answers from its own readiness; {@code /health/ready} probes any MicroProfile server.
 *
 * <p>Each heartbeat is a blocking send on a virtual thread rather than {@code sendAsync}: the
 * JDK client completes asynchronous sends through {@code ForkJoinPool.commonPool()}, so any code
 * in the JVM that ties up that pool would silently stop heartbeats, and with them failure
 * detection. A virtual thread blocked on a socket costs next to nothing. The timeout is the
 * engine clock's ({@link HeartbeatDeadline}), not the client's: when it passes, the send is
 * interrupted, which makes the JDK client give the exchange up and close its connection.
 */
public final class HttpHeartbeat implements HealthProbe {

  /** The exercise's heartbeat path. */
  public static final String DEFAULT_PATH = "/heartbeat";

  private final HttpClient client;
  private final HeartbeatDeadline deadline;
  private final String path;
  private final String scheme;
  private final Executor virtualThreads;

  /**
   * @param client speaks HTTP/1.1, and TLS trusting what the data plane trusts when {@code tls};
   *     without timeouts of its own: {@code timeout} on {@code clock} covers the connection too
   * @param timeout how long a heartbeat may take, timed on {@code clock}
   * @param path what to {@code GET}, starting with {@code /}
   * @param tls whether replicas are reached over TLS ({@code https})
   * @param virtualThreads an executor that runs each task on a virtual thread of its own
   */
  public HttpHeartbeat(HttpClient client, Duration timeout, EngineClock clock, String path, boolean tls, Executor virtualThreads) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a heartbeat path starts with '/', was " + path);
    }
    this.client = client;
    this.deadline = new HeartbeatDeadline(clock, timeout);
    this.path = path;
    this.scheme = tls ? "https://" : "http://";
    this.virtualThreads = virtualThreads;
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    URI uri = URI.create(scheme + replica.host() + ":" + replica.port() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
    String tried = "GET " + uri + ": ";
    CompletableFuture<Heartbeat> beat = new CompletableFuture<>();
    return deadline.start(beat, tried, () -> "no answer", virtualThreads, () -> {
      Thread sending = Thread.currentThread();
      beat.whenComplete((settled, never) -> {
        if (Thread.currentThread() != sending) {
          sending.interrupt(); // timed out, or stopped: the send is given up
        }
      });
      beat.complete(send(request, replica, tried));
    });
  }

  private Heartbeat send(HttpRequest request, Replica replica, String tried) {
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return switch (status) {
        case 200 -> new Heartbeat(Outcome.PASSED, tried + "200");
        case 503 -> new Heartbeat(Outcome.UNREADY, tried + "503, not ready");
        default -> new Heartbeat(Outcome.FAILED, tried + status);
      };
    } catch (ConnectException e) {
      return new Heartbeat(Outcome.FAILED, tried + (e.getCause() instanceof UnresolvedAddressException ? "unknown host " + replica.host() : "connection refused"));
    } catch (IOException e) {
      return new Heartbeat(Outcome.FAILED, tried + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (IllegalArgumentException e) {
      return new Heartbeat(Outcome.FAILED, tried + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Heartbeat(Outcome.FAILED, tried + "interrupted"); // by its deadline or the probe's stop, which settled it first, or by the executor closing
    }
  }

  /** Gives up the heartbeats under way: each has failed, its send interrupted. */
  @Override
  public void close() {
    deadline.stop();
  }
}
