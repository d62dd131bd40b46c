package io.ringlb.core.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A client on a bare socket, for what an HTTP client library will not send: pipelining, HTTP/1.0, slow or broken requests. */
final class RawClient implements AutoCloseable {

  /** @param trailers the trailer fields of a chunked body, names in lower case */
  record Response(String statusLine, Map<String, String> headers, String body, Map<String, String> trailers) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  private static final int READ_TIMEOUT_MILLIS = 20_000;
  /** Over loopback, what was sent before a look arrives well within this. */
  private static final int QUIET_MILLIS = 50;

  private final Socket socket;
  private final PushbackInputStream in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    in = new PushbackInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  RawClient send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** Bytes of an answer already here, which a read would not wait for. */
  int available() throws IOException {
    return in.available();
  }

  /** Reads one response; the body by its length, chunked, or to the end of the connection. */
  Response read(boolean head) throws IOException {
    String[] lines = Backends.readHead(in).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, String> trailers = new LinkedHashMap<>();
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    if (head || status == 204 || status == 304 || status / 100 == 1) {
      return new Response(lines[0], headers, "", trailers);
    }
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      while (true) {
        int size = Integer.parseInt(line().split(";")[0].strip(), 16);
        if (size == 0) {
          for (String trailer; !(trailer = line()).isEmpty(); ) {
            int colon = trailer.indexOf(':');
            trailers.put(trailer.substring(0, colon).strip().toLowerCase(Locale.ROOT), trailer.substring(colon + 1).strip());
          }
          break;
        }
        body.write(in.readNBytes(size));
        line();
      }
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(lines[0], headers, body.toString(StandardCharsets.UTF_8), trailers);
  }

  Response read() throws IOException {
    return read(false);
  }

  /** Waits until the first byte of an answer has come, and leaves it to be read. */
  RawClient awaitAnswer() throws IOException {
    int first = in.read();
    if (first >= 0) {
      in.unread(first);
    }
    return this;
  }

  /**
   * Whether nothing has come and the connection is still open: neither a byte nor its end arrives
   * within a moment. For a look after the data plane has settled, when whatever it sent, its close
   * included, is already on the way.
   */
  boolean quiet() throws IOException {
    if (in.available() > 0) {
      return false;
    }
    socket.setSoTimeout(QUIET_MILLIS);
    try {
      int first = in.read();
      if (first >= 0) {
        in.unread(first);
      }
      return false;
    } catch (java.net.SocketTimeoutException nothing) {
      return true;
    } catch (java.net.SocketException reset) {
      return false;
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }
  }

  /** Whether the other side closed the connection: a read finds its end. */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
