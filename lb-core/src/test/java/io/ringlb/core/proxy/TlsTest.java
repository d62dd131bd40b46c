package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import io.ringlb.core.tls.ServerTls;
import io.ringlb.core.tls.TestCertificates;
import io.ringlb.core.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data plane's TLS port: HTTP/2 by ALPN and HTTP/1.1, from the JDK's clients, and a certificate rotated under load. */
class TlsTest {

  @TempDir
  Path dir;

  private final Backends backends = new Backends();
  private ProxyFixture proxy;
  private TestCertificates first;
  private TestCertificates second;
  private Path certificate;
  private Path key;
  private ServerTls tls;

  @BeforeEach
  void serveTheFirstCertificate() throws Exception {
    first = TestCertificates.make(dir.resolve("first"), "first");
    second = TestCertificates.make(dir.resolve("second"), "second");
    certificate = Files.copy(first.certificate(), dir.resolve("served.crt"));
    key = Files.copy(first.key(), dir.resolve("served.key"));
    tls = ServerTls.load(new TlsSettings(0, Optional.of(certificate), Optional.of(key), Optional.empty(), "", Duration.ofSeconds(10)), Instant::now);
    proxy = new ProxyFixture(List.of(replica()), tls);
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backends.close();
  }

  /** Echoes the forwarding headers it was sent. */
  private InetSocketAddress replica() {
    HttpHandler echo = exchange -> {
      byte[] body = ("proto=" + exchange.getRequestHeaders().getFirst("X-Forwarded-Proto") + " host=" + exchange.getRequestHeaders().getFirst("X-Forwarded-Host"))
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    return backends.http(Map.of("/echo", echo));
  }

  private URI echo() {
    return URI.create("https://localhost:" + proxy.tlsPort() + "/echo");
  }

  private HttpClient client(HttpClient.Version version) throws Exception {
    return HttpClient.newBuilder().version(version).sslContext(TestCertificates.trusting(List.of(first, second))).build();
  }

  @Test
  void http2ByAlpnWithTheJdksClient() throws Exception {
    try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(echo()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("proto=https host=localhost:" + proxy.tlsPort());
    }
  }

  @Test
  void http11OverTls() throws Exception {
    try (HttpClient client = client(HttpClient.Version.HTTP_1_1)) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(echo()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(answer.body()).startsWith("proto=https ");
    }
  }

  @Test
  void curlGetsHttp2ByAlpnAndHttp11WhenItAsks() throws Exception {
    String resolve = "localhost:" + proxy.tlsPort() + ":127.0.0.1";
    String url = "https://localhost:" + proxy.tlsPort() + "/echo";

    assertThat(Curl.run("--cacert", certificate.toString(), "--resolve", resolve, "-w", " %{http_version}", url)).endsWith(" 2").startsWith("proto=https ");
    assertThat(Curl.run("--http1.1", "--cacert", certificate.toString(), "--resolve", resolve, "-w", " %{http_version}", url)).endsWith(" 1.1");
  }

  @Test
  void tls13And12AreSpokenAndAlpnOffersH2ThenHttp11() throws Exception {
    try (SSLSocket modern = connect(List.of("h2", "http/1.1"), "TLSv1.3", "TLSv1.2"); SSLSocket older = connect(List.of("http/1.1"), "TLSv1.2")) {
      assertThat(modern.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(modern.getApplicationProtocol()).isEqualTo("h2");
      assertThat(older.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(older.getApplicationProtocol()).isEqualTo("http/1.1");
    }
  }

  @Test
  void aClientThatCannotMakeAHandshakeIsClosedWithoutAWarning() throws Exception {
    try (LoggedWarnings logged = LoggedWarnings.collect()) {
      try (Socket plain = new Socket("127.0.0.1", proxy.tlsPort())) {
        plain.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        closedByTheBalancer(plain); // a request in the clear to the TLS port
      }
      try (Socket gone = new Socket("127.0.0.1", proxy.tlsPort())) {
        gone.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // the start of a ClientHello
        gone.shutdownOutput(); // and no more of it
        closedByTheBalancer(gone);
      }
      try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
        assertThat(client.send(HttpRequest.newBuilder(echo()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      }

      assertThat(logged.warnings()).as("scanners and clients of other protocols would flood the log").isEmpty();
      // counted instead: the request in the clear failed a handshake; the hello cut off inside its first record began none
      assertThat(proxy.events).filteredOn(event -> event.startsWith("client-")).containsExactly("client-connection-failed tls_handshake");
    }
  }

  @Test
  void aRotatedCertificateServesNewConnectionsAndTheOpenOnesGoOn() throws Exception {
    try (SSLSocket before = connect(List.of("http/1.1"), "TLSv1.3")) {
      assertThat(TestCertificates.subject(before.getSession().getPeerCertificates()[0])).isEqualTo("CN=first");
      assertThat(get(before)).isEqualTo(200);

      rotateTo(second);

      try (SSLSocket after = connect(List.of("http/1.1"), "TLSv1.3")) {
        assertThat(TestCertificates.subject(after.getSession().getPeerCertificates()[0])).isEqualTo("CN=second");
      }
      assertThat(get(before)).as("the connection made before the rotation is not dropped").isEqualTo(200);
    }
  }

  @Test
  void rotationUnderLoadFailsNoRequest() throws Exception {
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<String> served = ConcurrentHashMap.newKeySet();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(Thread.ofPlatform().start(() -> {
        while (loading.get()) {
          try (SSLSocket socket = connect(List.of("http/1.1"), "TLSv1.3")) {
            served.add(TestCertificates.subject(socket.getSession().getPeerCertificates()[0]));
            if (get(socket) != 200) {
              failures.add(new IllegalStateException("not a 200"));
            }
            answered.incrementAndGet();
          } catch (Exception | AssertionError e) {
            failures.add(e);
          }
        }
      }));
    }
    for (TestCertificates next : List.of(second, first, second, first, second)) {
      int before = answered.get();
      rotateTo(next);
      await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= before + 20 || !failures.isEmpty());
    }
    loading.set(false);
    for (Thread client : clients) {
      client.join();
    }

    assertThat(failures).isEmpty();
    assertThat(served).containsExactlyInAnyOrder("CN=first", "CN=second");
    assertThat(answered.get()).isGreaterThanOrEqualTo(100);
  }

  private void rotateTo(TestCertificates next) throws IOException {
    Files.copy(next.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(next.key(), key, StandardCopyOption.REPLACE_EXISTING);
    assertThat(tls.reload()).isTrue();
  }

  /** Reads what the balancer sends on {@code socket} until it closes it; a balancer that kept it open would time this out. */
  private static void closedByTheBalancer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    try {
      socket.getInputStream().readAllBytes();
    } catch (SocketException reset) {
      // closed with bytes unread: as good an end
    }
  }

  private SSLSocket connect(List<String> alpn, String... protocols) throws Exception {
    SSLContext context = TestCertificates.trusting(List.of(first, second));
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", proxy.tlsPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setProtocols(protocols);
    parameters.setApplicationProtocols(alpn.toArray(String[]::new));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setServerNames(List.of(new SNIHostName("localhost")));
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  /** A keep-alive GET on an HTTP/1.1 connection; answers the status, the body read. */
  private static int get(SSLSocket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    String status = in.readLine();
    int length = 0;
    for (String line; !(line = in.readLine()).isEmpty(); ) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.skip(length);
    return Integer.parseInt(status.split(" ")[1]);
  }
}
