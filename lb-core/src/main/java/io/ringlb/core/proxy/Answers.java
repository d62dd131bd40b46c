package io.ringlb.core.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The answers the data plane writes itself, in the API's error shape: {@code {"message":
 * "<Error> ...", "status": "failure"}}; to a gRPC call, as gRPC's own error, which its clients read.
 */
final class Answers {

  private static final AsciiString GRPC = AsciiString.cached("application/grpc");
  static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /**
   * Why {@code CONNECT} is answered 501 on either protocol: a replica is an origin server, and
   * forwarding it would leave the client waiting on a tunnel no one opens (Netty's codec reads a
   * 2xx answer to {@code CONNECT} as having no body, whatever its length says).
   */
  static final String NO_TUNNELS = "CONNECT is not served: ringlb forwards requests to its replicas and opens no tunnels";

  private Answers() {}

  /** Whether {@code request} is a gRPC call: its content type is {@code application/grpc}, or one of its {@code +proto} kind. */
  static boolean isGrpc(HttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, GRPC.length())
        && (type.length() == GRPC.length() || type.charAt(GRPC.length()) == '+' || type.charAt(GRPC.length()) == ';');
  }

  /**
   * The data plane's failure as gRPC answers one (trailers-only: a head with {@code 200}, the
   * status and its message, and no body, which over HTTP/2 is one HEADERS frame that ends the
   * stream). The status is the one gRPC's HTTP mapping gives {@code status}, so a {@code 503} is
   * {@code UNAVAILABLE}, which gRPC clients may retry.
   */
  static FullHttpResponse grpcFailure(HttpResponseStatus status, String problem, boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, GRPC)
        .add(grpcTrailers(status, problem))
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE); // an HTTP/1.1 client's; HTTP/2's conversion drops it
    }
    return response;
  }

  /** The trailers that end a gRPC call as failed: gRPC's code for {@code status}, and {@code problem} as its message. */
  static HttpHeaders grpcTrailers(HttpResponseStatus status, String problem) {
    return new DefaultHttpHeaders().setInt(GRPC_STATUS, grpcStatus(status.code())).set(GRPC_MESSAGE, percentEncoded(problem));
  }

  /** gRPC's code for an HTTP status, as gRPC's "HTTP to gRPC Status Code Mapping" gives it. */
  static int grpcStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /** {@code grpc-message}'s encoding: UTF-8, each byte outside printable ASCII and each {@code %} as {@code %XX}. */
  static String percentEncoded(String message) {
    StringBuilder encoded = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b < 0x7F && b != '%') {
        encoded.append((char) b);
      } else {
        encoded.append('%').append((char) HEX[(b >> 4) & 0xF]).append((char) HEX[b & 0xF]);
      }
    }
    return encoded.toString();
  }

  /** What a request whose headers are over {@code maxHeaderBytes} is told, over HTTP/1.1 and HTTP/2 alike. */
  static String headersTooLarge(int maxHeaderBytes) {
    return "The request headers are larger than " + maxHeaderBytes + " bytes";
  }

  /** A complete response to a client of {@code version}, which says whether the connection stays open. */
  static FullHttpResponse failure(HttpResponseStatus status, String problem, HttpVersion version, boolean keepAlive) {
    FullHttpResponse response = failure(status, problem, !keepAlive);
    if (keepAlive && version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return response;
  }

  /** A complete response; {@code close} says {@code Connection: close}. */
  static FullHttpResponse failure(HttpResponseStatus status, String problem, boolean close) {
    String json = "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString("<Error> " + problem))
        + "\",\"status\":\"failure\"}";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
