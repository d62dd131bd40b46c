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
 * One running balancer as a program that drives it sees it: the exercise's API and every
 * replica path on the data port, the balancer's own health on the admin port, over plain
 * HTTP/1.1. Every call carries the admin token when one is given, as {@code lb.admin.token}
 * asks of {@code /add} and {@code /rm}. A call that cannot reach the balancer throws
 * {@link UncheckedIOException}; an answer of any status is returned for the caller to judge.
 */
public class RinglbClient implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final URI data;
  private final URI admin;
  /** The {@code Authorization} header of every call, or null for none. */
  private final String authorization;
  private final Duration timeout;

  /**
   * @param data the data port: {@code http://127.0.0.1:5000}
   * @param admin the admin port, where readiness answers: {@code http://127.0.0.1:5001}
   * @param adminToken the balancer's {@code lb.admin.token}; empty or null when its API is open
   * @param timeout how long one call may take: an {@code /add} waits for its replicas to start
   */
  public RinglbClient(URI data, URI admin, String adminToken, Duration timeout) {
    this.data = data;
    this.admin = admin;
    this.authorization = adminToken == null || adminToken.isEmpty() ? null : "Bearer " + adminToken;
    this.timeout = timeout;
  }

  public URI data() {
    return data;
  }

  public URI admin() {
    return admin;
  }

  /** The HTTP client the calls go through, for a caller's own requests (a load of {@code /home}s). */
  public HttpClient http() {
    return http;
  }

  /** A request to the data port. */
  public HttpResponse<String> send(String method, String path, String body) {
    return send(data, method, path, body);
  }

  public HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  /** A request to either port: {@code at} is {@link #data} or {@link #admin}. */
  public HttpResponse<String> send(URI at, String method, String path, String body) {
    return send(at, method, path, body, authorization);
  }

  /** A request with an {@code Authorization} header of the caller's own, or none when it is null. */
  public HttpResponse<String> send(URI at, String method, String path, String body, String authorization) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(at.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(timeout);
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The replicas of {@code /rep}, in the order they were added. */
  public List<String> replicas() {
    HttpResponse<String> answer = get("/rep");
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET /rep answered " + answer.statusCode() + ": " + answer.body());
    }
    return ApiJson.replicas(answer.body()).replicas();
  }

  /** {@code POST /add}: {@code n} replicas, named by {@code hostnames} as far as they go, with the weights given. */
  public HttpResponse<String> add(int n, List<String> hostnames, Map<String, Integer> weights) {
    return send("POST", "/add", ApiJson.change(n, hostnames, weights));
  }

  /** {@code DELETE /rm}: {@code n} replicas, those of {@code hostnames} first. */
  public HttpResponse<String> remove(int n, List<String> hostnames) {
    return send("DELETE", "/rm", ApiJson.change(n, hostnames, Map.of()));
  }

  /** The data of the balancer's readiness checks, by name ({@code inRing}, {@code listening}); empty while it does not answer. */
  public Map<String, String> readiness() {
    try {
      return ApiJson.readiness(send(admin, "GET", "/health/ready", null).body());
    } catch (UncheckedIOException notYet) {
      return Map.of();
    }
  }

  /** How many replicas are in the ring now; empty while the balancer does not answer. */
  public Optional<Integer> inRing() {
    return Optional.ofNullable(readiness().get("inRing")).map(Integer::valueOf);
  }

  @Override
  public void close() {
    http.close();
  }
}
