package io.ringlb.core.proxy;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ringlb.core.tls.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Real HTTP backends on loopback ports, each standing for a replica, and the ways a replica fails. */
public final class Backends implements AutoCloseable {

  /** What to close: servers, and the connections they took (added from their accepting threads). */
  private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();

  /** The JDK's HTTP server with a handler per path; an unknown path answers 404. */
  public InetSocketAddress http(Map<String, HttpHandler> handlers) {
    try {
      return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100), handlers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code server} with a handler per path and an answer of 404 for any other; answers where it listens. */
  private InetSocketAddress serve(HttpServer server, Map<String, HttpHandler> handlers) {
    handlers.forEach(server::createContext);
    if (!handlers.containsKey("/")) {
      server.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
      });
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    started.add(() -> server.stop(0));
    return server.getAddress();
  }

  /** The JDK's HTTPS server (HTTP/1.1 over TLS) serving {@code certificates}, with a handler per path; an unknown path answers 404. */
  InetSocketAddress https(Map<String, HttpHandler> handlers, TestCertificates certificates) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(certificates.keystore())) {
        store.load(in, certificates.password().toCharArray());
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, certificates.password().toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keys.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      return serve(server, handlers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers {@code Hello from <name>}, as the exercise's replicas name themselves. */
  public static HttpHandler hello(String name) {
    return exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("Hello from " + name).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
  }

  /** Answers with what it was sent: the request line, each header (lower case) and the body, one a line. */
  static HttpHandler echo() {
    return exchange -> {
      StringBuilder seen = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getProtocol() + "\n");
      exchange.getRequestHeaders().forEach((header, values) -> seen.append(header.toLowerCase()).append('=').append(String.join("|", values)).append('\n'));
      seen.append("body=").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = seen.toString().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
  }

  /**
   * A server that takes connections and answers each with {@code answer} given what it read of
   * the request head; it counts the requests it took.
   */
  InetSocketAddress raw(AtomicInteger requests, RawAnswer answer) {
    return accepting(socket -> {
      String head = readHead(socket.getInputStream());
      requests.incrementAndGet();
      answer.answer(head, socket.getOutputStream());
    });
  }

  /**
   * A replica that keeps each connection it takes alive and answers each request on it as {@code
   * answer} writes, given its head; it reads no request body. It counts the connections it took
   * in {@code taken}, and in {@code closed} those the client closed.
   */
  InetSocketAddress keptAlive(AtomicInteger taken, AtomicInteger closed, RawAnswer answer) {
    return accepting(socket -> {
      taken.incrementAndGet();
      InputStream in = socket.getInputStream();
      for (String head; !(head = readHead(in)).isEmpty(); ) {
        answer.answer(head, socket.getOutputStream());
      }
      closed.incrementAndGet();
    });
  }

  /**
   * A replica that keeps each connection it takes alive and answers each request on it with a 200,
   * once {@code answering} lets it, until {@code drops} says of a request (its head, and how many
   * the connection carried before it) that the replica closes the connection on it unanswered. The
   * 200's body is the request's ({@code Content-Length} framed), or {@code ok} for none. It counts
   * the requests it took.
   */
  InetSocketAddress keepingAlive(AtomicInteger requests, CountDownLatch answering, BiPredicate<String, Integer> drops) {
    return accepting(socket -> {
      InputStream in = socket.getInputStream();
      for (int before = 0; ; before++) {
        String head = readHead(in);
        if (head.isEmpty()) {
          return; // the client closed it
        }
        requests.incrementAndGet();
        if (drops.test(head, before)) {
          return;
        }
        byte[] body = in.readNBytes(contentLength(head));
        byte[] answer = body.length == 0 ? "ok".getBytes(StandardCharsets.US_ASCII) : body;
        answering.await();
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(answer);
        out.flush();
      }
    });
  }

  private static int contentLength(String head) {
    return head.lines().filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
        .mapToInt(line -> Integer.parseInt(line.substring(15).trim())).findFirst().orElse(0);
  }

  /**
   * A replica that answers the first request on each connection, once {@code answering} lets it,
   * and closes the connection on the next one unanswered: as a replica closing an idle connection
   * does when a request crosses its close.
   */
  InetSocketAddress answersOncePerConnection(AtomicInteger requests, CountDownLatch answering) {
    return keepingAlive(requests, answering, (head, before) -> before > 0);
  }

  /**
   * A replica that hangs: it takes each request and never answers. It counts the requests it took,
   * and the connections their clients then closed, having given up.
   */
  public InetSocketAddress silent(AtomicInteger requests, AtomicInteger givenUp) {
    return accepting(socket -> {
      InputStream in = socket.getInputStream();
      readHead(in);
      requests.incrementAndGet();
      while (in.read() >= 0) {
        // whatever else comes, until the client closes the connection
      }
      givenUp.incrementAndGet();
    });
  }

  /** A server on a loopback port that serves each connection it takes, on a virtual thread of its own, as {@code serving} says, then closes it. */
  private InetSocketAddress accepting(RawConnection serving) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            started.add(socket);
            Thread.ofVirtual().start(() -> {
              try (socket) {
                serving.serve(socket);
              } catch (IOException | InterruptedException ignored) {
                // the test decides what the client saw
              }
            });
          } catch (IOException closed) {
            return;
          }
        }
      });
      started.add(server);
      return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface RawConnection {
    void serve(Socket socket) throws IOException, InterruptedException;
  }

  @FunctionalInterface
  interface RawAnswer {
    void answer(String head, OutputStream out) throws IOException, InterruptedException;
  }

  /** A port nothing listens on: connecting is refused. */
  public static InetSocketAddress refusing() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A port whose connections never complete: it listens with a backlog of one and two connections
   * already wait there, never accepted. With its accept queue full, Linux drops each new SYN, so a
   * client's connect hangs until the client gives up.
   */
  public InetSocketAddress neverAccepting() {
    try {
      ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      started.add(listening);
      for (int i = 0; i < 2; i++) {
        Socket waiting = new Socket();
        started.add(waiting);
        waiting.connect(listening.getLocalSocketAddress(), 5_000);
      }
      return new InetSocketAddress("127.0.0.1", listening.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable each : started) {
      each.close();
    }
  }
}
