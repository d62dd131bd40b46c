package io.ringlb.images;

import io.ringlb.api.Replica;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests straight to a replica a provider started, at the address the provider gave for it, as the balancer's heartbeats reach it. */
final class ReplicaHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ReplicaHttp() {}

  /** The status of a GET of {@code path}, or -1 while the replica does not answer. */
  static int status(Replica replica, String path) {
    try {
      return HTTP.send(get(replica, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notYet) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of a GET of {@code path}. */
  static String body(Replica replica, String path) throws IOException, InterruptedException {
    return HTTP.send(get(replica, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest get(Replica replica, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + replica.host() + ":" + replica.port() + path)).timeout(Duration.ofSeconds(5)).build();
  }
}
