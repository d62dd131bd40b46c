package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy and ringlb as the TLS comparison starts them cost a replica the same work per
 * request: the replica is told the same forwarding headers by both, over HTTP/2 and HTTP/1.1.
 * A replica that answers with the {@code X-Forwarded-*} headers it was sent stands in for the
 * comparison's; curl asks through each balancer's TLS port. It needs haproxy and curl (.ci/run
 * installs them) and fails, not skips, without them.
 */
class TlsContendersIT {

  @TempDir
  Path work;

  private HttpServer replica;

  @BeforeEach
  void startReplica() throws IOException {
    replica = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    replica.createContext("/", exchange -> {
      String forwarding = exchange.getRequestHeaders().entrySet().stream()
          .filter(header -> header.getKey().toLowerCase(Locale.ROOT).startsWith("x-forwarded-"))
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

  @Test
  void bothBalancersTellTheReplicaTheSameForwardingHeaders() throws Exception {
    List<URI> replicas = List.of(URI.create("http://127.0.0.1:" + replica.getAddress().getPort()));
    TlsCertificate certificate = TlsCertificate.create(work.resolve("certificate"));
    Path wlp = Path.of(System.getProperty("lb.wlp")).toAbsolutePath();
    Path war = Path.of(System.getProperty("lb.war")).toAbsolutePath();

    try (Contender haproxy = Contenders.haproxyTls(replicas, certificate, work.resolve("configs"), work);
        Contender ringlb = Contenders.ringlbTls(replicas, wlp, war, work, OptionalInt.empty(), certificate)) {
      for (Contender balancer : List.of(haproxy, ringlb)) {
        String authority = balancer.url().getAuthority();
        String expected = "x-forwarded-for: 127.0.0.1\nx-forwarded-host: " + authority + "\nx-forwarded-proto: https";
        for (String protocol : List.of("--http2", "--http1.1")) {
          assertThat(curl(balancer.url().resolve("/home?key=7"), certificate, protocol))
              .as("what the replica was told through %s over %s", balancer.name(), protocol).isEqualTo(expected);
        }
      }
    }
  }

  private static String curl(URI url, TlsCertificate certificate, String protocol) throws IOException, InterruptedException {
    Process curl = new ProcessBuilder(Tools.executable("curl"), "-sS", "--fail", "--max-time", "10", protocol, "--cacert",
        certificate.certificate().toString(), url.toString()).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as("curl %s %s: %s", protocol, url, output).isZero();
    return output;
  }
}
