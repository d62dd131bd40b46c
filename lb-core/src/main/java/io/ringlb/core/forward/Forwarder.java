package io.ringlb.core.forward;

import io.ringlb.api.Replica;
import io.ringlb.core.fleet.Outcome;
import io.ringlb.core.routing.Router;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Sends a request to the replica its key routes to, and on to the next candidate when that one
 * cannot be reached. The request thread never waits: routing happens on it, the sends on a
 * virtual thread, and the caller gets a future. (Blocking sends on virtual threads, not {@code
 * sendAsync}: the JDK client completes asynchronous sends through the common fork-join pool,
 * which anything else in the JVM may be starving.)
 *
 * <p>A request goes to another replica only when that cannot do harm: always when the first
 * could not even be connected to (nothing was sent), and for idempotent methods also when the
 * connection failed or timed out midway. A replica that answers, whatever its status, has
 * answered; a 500 is passed through, not retried.
 */
public final class Forwarder {

  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS");

  private final Router router;
  private final HttpClient client;
  private final Duration timeout;
  private final BiConsumer<Replica, Outcome> onFailure;
  private final Executor virtualThreads;

  /**
   * @param client one shared client: it pools connections to each replica
   * @param timeout how long a replica has to answer one attempt
   * @param onFailure told of each replica that could not be reached, and how, for passive health
   * @param virtualThreads an executor that runs each task on a virtual thread of its own
   */
  public Forwarder(Router router, HttpClient client, Duration timeout, BiConsumer<Replica, Outcome> onFailure, Executor virtualThreads) {
    this.router = router;
    this.client = client;
    this.timeout = timeout;
    this.onFailure = onFailure;
    this.virtualThreads = virtualThreads;
  }

  /** Completes with the first answer, or with {@link NoReplicaAvailableException}. */
  public CompletableFuture<ForwardedResponse> forward(ForwardRequest request, long key) {
    List<Replica> candidates = router.candidates(key);
    if (candidates.isEmpty()) {
      return CompletableFuture.failedFuture(new NoReplicaAvailableException("No replica is in the ring", null));
    }
    return CompletableFuture.supplyAsync(() -> send(request, candidates), virtualThreads);
  }

  private ForwardedResponse send(ForwardRequest request, List<Replica> candidates) {
    IOException last = null;
    int tried = 0;
    while (tried < candidates.size()) {
      Replica replica = candidates.get(tried++);
      try {
        HttpResponse<byte[]> response = client.send(toReplica(request, replica), HttpResponse.BodyHandlers.ofByteArray());
        return new ForwardedResponse(response.statusCode(), HopByHopHeaders.endToEnd(response.headers().map()), response.body(), replica, tried);
      } catch (IOException e) {
        last = e;
        onFailure.accept(replica, e instanceof HttpTimeoutException ? Outcome.TIMED_OUT : Outcome.FAILED);
        if (!mayRetry(request.method(), e)) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NoReplicaAvailableException("Interrupted while forwarding", e);
      }
    }
    throw new NoReplicaAvailableException("No replica answered: tried " + names(candidates, tried) + ", last failure " + last, last);
  }

  private static boolean mayRetry(String method, IOException failure) {
    boolean notSent = failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException;
    return notSent || IDEMPOTENT.contains(method);
  }
  private HttpRequest toReplica(ForwardRequest request, Replica replica) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://" + replica.host() + ":" + replica.port() + request.pathAndQuery()))
            .timeout(timeout)
            .method(
                request.method(),
                request.body().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    String forwardedFor = request.clientAddress();
    for (Map.Entry<String, List<String>> header : HopByHopHeaders.endToEnd(request.headers()).entrySet()) {
      if (header.getKey().equalsIgnoreCase("x-forwarded-for")) {
        forwardedFor = String.join(", ", header.getValue()) + ", " + request.clientAddress();
        continue;
      }
      for (String value : header.getValue()) {
        builder.header(header.getKey(), value);
      }
    }
    return builder.header("X-Forwarded-For", forwardedFor).build();
  }

  private static List<String> names(List<Replica> candidates, int tried) {
    List<String> names = new ArrayList<>(tried);
    for (int k = 0; k < tried; k++) {
      names.add(candidates.get(k).name());
    }
    return names;
  }
}
