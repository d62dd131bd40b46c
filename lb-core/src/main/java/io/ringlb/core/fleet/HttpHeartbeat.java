package io.ringlb.core.fleet;

import io.ringlb.api.Replica;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The exercise's heartbeat: {@code GET /heartbeat} answered with 200 within the timeout.
 *
 * <p>Each heartbeat is a blocking send on a virtual thread rather than {@code sendAsync}: the
 * JDK client completes asynchronous sends through {@code ForkJoinPool.commonPool()}, so any code
 * in the JVM that ties up that pool would silently stop heartbeats, and with them failure
 * detection. A virtual thread blocked on a socket costs next to nothing.
 */
public final class HttpHeartbeat implements HealthProbe {

  private final HttpClient client;
  private final Duration timeout;
  private final Executor virtualThreads;

  /** @param virtualThreads an executor that runs each task on a virtual thread of its own */
  public HttpHeartbeat(HttpClient client, Duration timeout, Executor virtualThreads) {
    this.client = client;
    this.timeout = timeout;
    this.virtualThreads = virtualThreads;
  }

  @Override
  public CompletableFuture<Outcome> check(Replica replica) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + replica.host() + ":" + replica.port() + "/heartbeat"))
            .timeout(timeout)
            .GET()
            .build();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? Outcome.PASSED : Outcome.FAILED;
          } catch (HttpTimeoutException e) {
            return Outcome.TIMED_OUT;
          } catch (IOException e) {
            return Outcome.FAILED;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
          }
        },
        virtualThreads);
  }
}
