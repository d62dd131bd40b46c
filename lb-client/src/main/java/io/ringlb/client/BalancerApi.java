package io.ringlb.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running balancer's API over HTTP/1.1: {@code /rep}, {@code /add}, {@code /rm} on its data
 * port, and its readiness on its admin port.
 */
public final class BalancerApi implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final URI admin;
  /** The {@code lb.admin.token}, or empty. */
  private final String token;
  private final Duration timeout;

  /**
   * @param base the data port, where the API's paths are served too
   * @param admin the admin port (Liberty), where readiness is
   * @param token the {@code lb.admin.token} the balancer runs with, or empty for none
   * @param timeout how long a call may take: an {@code /add} waits for its replicas to start
   */
  public BalancerApi(URI base, URI admin, String token, Duration timeout) {
    this.base = base;
    this.admin = admin;
    this.token = token;
    this.timeout = timeout;
  }

  public URI base() {
    return base;
  }

  public URI admin() {
    return admin;
  }

  /** The replicas kept now. */
  public ReplicaList rep() {
    return replicas(send(base, "GET", "/rep", null));
  }

  /** Adds {@code n} replicas, named by {@code hostnames} first; answers once they are in the ring. */
  public ReplicaList add(int n, List<String> hostnames) {
    return add(n, hostnames, Map.of());
  }

  /** As {@link #add(int, List)}, giving some of them weights. */
  public ReplicaList add(int n, List<String> hostnames, Map<String, Integer> weights) {
    return replicas(send(base, "POST", "/add", ApiJson.change(n, hostnames, weights)));
  }

  /** Removes {@code n} replicas, those named by {@code hostnames} first; answers once they are out of the ring and stopped. */
  public ReplicaList remove(int n, List<String> hostnames) {
    return replicas(send(base, "DELETE", "/rm", ApiJson.change(n, hostnames, Map.of())));
  }

  /** How many replicas are in the ring, from readiness; empty while the balancer does not answer. */
  public Optional<Integer> inRing() {
    try {
      return ApiJson.inRing(send(admin, "GET", "/health/ready", null).body());
    } catch (UncheckedIOException notYet) {
      return Optional.empty();
    }
  }

  /**
   * Any request, with the admin token when one is set.
   *
   * @param at {@link #base()} or {@link #admin()}
   * @param body JSON, or null for none
   */
  public HttpResponse<String> send(URI at, String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(at.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .timeout(timeout);
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static ReplicaList replicas(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new ApiException(response.statusCode(), failure(response.body()));
    }
    return ApiJson.replicas(response.body());
  }

  private static String failure(String body) {
    try {
      return ApiJson.message(body);
    } catch (IllegalArgumentException notTheApisShape) {
      return body;
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
