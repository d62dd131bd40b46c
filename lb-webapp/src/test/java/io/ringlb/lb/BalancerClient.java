package io.ringlb.lb;

import static org.awaitility.Awaitility.await;

import io.ringlb.client.ApiJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The tests' view of the balancer under test: plain HTTP, as any client sees it. */
final class BalancerClient {

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** The data plane: the exercise's API and every replica path. */
  final URI base = URI.create("http://127.0.0.1:" + System.getProperty("lb.it.port", "5055"));
  /** Liberty's own endpoint: the API again, and the balancer's health. */
  final URI admin = URI.create("http://127.0.0.1:" + System.getProperty("lb.it.admin.port", "5056"));

  /** The {@code lb.admin.token} the balancer under test runs with: every call here carries it, unless told otherwise. */
  static final String ADMIN_TOKEN = System.getProperty("lb.it.admin.token", "");

  HttpResponse<String> send(String method, String path, String body) {
    return send(base, method, path, body);
  }

  HttpResponse<String> send(URI at, String method, String path, String body) {
    return send(at, method, path, body, ADMIN_TOKEN.isEmpty() ? null : "Bearer " + ADMIN_TOKEN);
  }

  /** @param authorization the {@code Authorization} header, or null for none */
  HttpResponse<String> send(URI at, String method, String path, String body, String authorization) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(at.resolve(path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(180));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  String rep() {
    return get("/rep").body();
  }

  /** How many replicas are in the ring now, from the readiness check's data; -1 before it answers. */
  int inRing() {
    try {
      return ApiJson.inRing(send(admin, "GET", "/health/ready", null).body()).orElse(-1);
    } catch (UncheckedIOException notYet) {
      return -1;
    }
  }

  /** Waits until {@code n} replicas are in the ring: replica processes take seconds to start. */
  void awaitInRing(int n) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> inRing() == n);
  }
}
