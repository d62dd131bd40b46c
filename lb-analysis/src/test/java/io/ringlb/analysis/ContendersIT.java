package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contenders as the comparison starts them cost a replica the same work per request: the
 * replica is told the same {@code Host} and forwarding headers by each, in the clear (HAProxy,
 * nginx, ringlb) and over TLS (HAProxy and ringlb, HTTP/2 and HTTP/1.1). A replica that answers
 * with the {@code Host} and {@code X-Forwarded-*} headers it was sent stands in for the
 * comparison's; curl asks through each balancer. It needs haproxy, nginx and curl (.ci/run
 * installs them) and fails, not skips, without them.
 */
class ContendersIT {

  @TempDir
  Path work;

  private HttpServer replica;

  @BeforeEach
  void startReplica() throws IOException {
    replica = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    replica.createContext("/", exchange -> {
      String forwarding = exchange.getRequestHeaders().entrySet().stream()
          .filter(header -> header.getKey().equalsIgnoreCase("host") || header.getKey().toLowerCase(Locale.ROOT).startsWith("x-forwarded-"))
          .map(header -> header.getKey().toLowerCase(Locale.ROOT) + ": " + String.join(" | ", header.getValue()))
          .sorted().collect(Collectors.joining("\n"));
      byte[] body = forwarding.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    replica.start();
  }

  @AfterEach
  void stopReplica() {
    replica.stop(0);
  }

  private List<URI> replicas() {
    return List.of(URI.create("http://127.0.0.1:" + replica.getAddress().getPort()));
  }

  /** What the replica should be told through {@code balancer}, which the client reached over {@code scheme}. */
  private static String expected(Contender balancer, String scheme) {
    String authority = balancer.url().getAuthority();
    return "host: " + authority + "\nx-forwarded-for: 127.0.0.1\nx-forwarded-host: " + authority + "\nx-forwarded-proto: " + scheme;
  }

  @Test
  void everyBalancerInTheClearTellsTheReplicaTheSameHeaders() throws Exception {
    Path wlp = Path.of(System.getProperty("lb.wlp")).toAbsolutePath();
    Path war = Path.of(System.getProperty("lb.war")).toAbsolutePath();

    try (Contender haproxy = Contenders.haproxy(replicas(), work.resolve("configs"), work);
        Contender nginx = Contenders.nginx(replicas(), work.resolve("configs"), work);
        Contender ringlb = Contenders.ringlb(replicas(), wlp, war, work, OptionalInt.empty())) {
      for (Contender balancer : List.of(haproxy, nginx, ringlb)) {
        assertThat(curl(balancer.url().resolve("/home?key=7"), "--http1.1"))
            .as("what the replica was told through %s", balancer.name()).isEqualTo(expected(balancer, "http"));
      }
    }
  }

  @Test
  void bothBalancersOverTlsTellTheReplicaTheSameHeaders() throws Exception {
    TlsCertificate certificate = TlsCertificate.create(work.resolve("certificate"));
    Path wlp = Path.of(System.getProperty("lb.wlp")).toAbsolutePath();
    Path war = Path.of(System.getProperty("lb.war")).toAbsolutePath();

    try (Contender haproxy = Contenders.haproxyTls(replicas(), certificate, work.resolve("configs"), work);
        Contender ringlb = Contenders.ringlbTls(replicas(), wlp, war, work, OptionalInt.empty(), certificate)) {
      for (Contender balancer : List.of(haproxy, ringlb)) {
        for (String protocol : List.of("--http2", "--http1.1")) {
          assertThat(curl(balancer.url().resolve("/home?key=7"), protocol, "--cacert", certificate.certificate().toString()))
              .as("what the replica was told through %s over %s", balancer.name(), protocol).isEqualTo(expected(balancer, "https"));
        }
      }
    }
  }

  private static String curl(URI url, String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Tools.executable("curl"), "-sS", "--fail", "--max-time", "10"));
    command.addAll(List.of(options));
    command.add(url.toString());
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as("curl %s %s: %s", String.join(" ", options), url, output).isZero();
    return output;
  }
}
