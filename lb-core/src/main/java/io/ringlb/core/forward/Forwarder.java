package io.ringlb.core.forward;

import io.ringlb.api.Replica;
import io.ringlb.core.fleet.Outcome;
import io.ringlb.core.routing.Router;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends a request to the replica its key routes to, and on to the next candidate when that one
 * cannot be reached. It blocks the calling thread, a server's request thread or a virtual one:
 * the send and the answer are plain blocking socket I/O on a pooled connection, so a request
 * costs no hand-off between threads. (The JDK's client completes every exchange on its selector
 * thread and hands it back through an executor; profiling put a third of the balancer's CPU
 * there.)
 *
 * <p>A request goes to another replica only when that cannot do harm: always when the first
 * could not even be connected to (nothing was sent), and for idempotent methods also when the
 * connection failed or timed out midway. A replica that answers, whatever its status, has
 * answered; a 500 is passed through, not retried.
 */
public final class Forwarder implements AutoCloseable {

  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS");
  private static final byte[] NO_BODY = new byte[0];

  /**
   * Connections kept open to each replica: enough for every request a busy balancer has in
   * flight, so none waits for a connection nor pays for a new one.
   */
  static final int CONNECTIONS_PER_REPLICA = 512;

  private final Router router;
  private final CloseableHttpClient client;
  private final BiConsumer<Replica, Outcome> onFailure;

  /**
   * @param connectTimeout how long connecting to a replica may take
   * @param timeout how long a replica has to answer one attempt
   * @param onFailure told of each replica that could not be reached, and how, for passive health
   */
  public Forwarder(Router router, Duration connectTimeout, Duration timeout, BiConsumer<Replica, Outcome> onFailure) {
    this.router = router;
    this.onFailure = onFailure;
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(CONNECTIONS_PER_REPLICA)
            .setMaxConnTotal(Integer.MAX_VALUE)
            // a lock per replica, not one for the whole pool: every request leases and releases a connection
            .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(timeout))
                // a replica closes idle connections (Liberty after 30 s): check one that sat idle before reusing it
                .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
                .build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).setConnectionRequestTimeout(Timeout.of(timeout)).build())
        // a proxy passes exchanges through as they are: no retries of its own, redirects, cookies or decompression
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        .evictIdleConnections(TimeValue.ofSeconds(20))
        .build();
  }

  /**
   * Answers the first replica's answer.
   *
   * @throws NoReplicaAvailableException when the ring is empty or no candidate answered
   */
  public ForwardedResponse forward(ForwardRequest request, long key) {
    List<Replica> candidates = router.candidates(key);
    if (candidates.isEmpty()) {
      throw new NoReplicaAvailableException("No replica is in the ring", null);
    }
    IOException last = null;
    int tried = 0;
    while (tried < candidates.size()) {
      Replica replica = candidates.get(tried++);
      int attempts = tried;
      try {
        return client.execute(toReplica(request, replica), response -> {
          HttpEntity entity = response.getEntity();
          return new ForwardedResponse(response.getCode(), HopByHopHeaders.endToEnd(headers(response.getHeaders())),
              entity == null ? NO_BODY : EntityUtils.toByteArray(entity), replica, attempts);
        });
      } catch (IOException e) {
        last = e;
        onFailure.accept(replica, e instanceof InterruptedIOException ? Outcome.TIMED_OUT : Outcome.FAILED);
        if (!mayRetry(request.method(), e)) {
          break;
        }
      }
    }
    throw new NoReplicaAvailableException("No replica answered: tried " + names(candidates, tried) + ", last failure " + last, last);
  }

  private static boolean mayRetry(String method, IOException failure) {
    boolean notSent = failure instanceof ConnectException || failure instanceof ConnectTimeoutException;
    return notSent || IDEMPOTENT.contains(method);
  }

  private static ClassicHttpRequest toReplica(ForwardRequest request, Replica replica) {
    ClassicHttpRequest out = new BasicClassicHttpRequest(request.method(), new HttpHost(replica.host(), replica.port()), request.pathAndQuery());
    String forwardedFor = request.clientAddress();
    for (Map.Entry<String, List<String>> header : HopByHopHeaders.endToEnd(request.headers()).entrySet()) {
      if (header.getKey().equalsIgnoreCase("x-forwarded-for")) {
        forwardedFor = String.join(", ", header.getValue()) + ", " + request.clientAddress();
        continue;
      }
      for (String value : header.getValue()) {
        out.addHeader(header.getKey(), value);
      }
    }
    out.setHeader("X-Forwarded-For", forwardedFor);
    if (request.body().length > 0) {
      out.setEntity(new ByteArrayEntity(request.body(), null));
    }
    return out;
  }

  private static Map<String, List<String>> headers(Header[] headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Header header : headers) {
      map.computeIfAbsent(header.getName(), name -> new ArrayList<>(1)).add(header.getValue());
    }
    return map;
  }

  private static List<String> names(List<Replica> candidates, int tried) {
    List<String> names = new ArrayList<>(tried);
    for (int k = 0; k < tried; k++) {
      names.add(candidates.get(k).name());
    }
    return names;
  }

  /** Closes the pooled connections. */
  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }
}
