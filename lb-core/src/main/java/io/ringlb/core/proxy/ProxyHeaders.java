package io.ringlb.core.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a proxy changes in the messages it passes (RFC 9110 section 7.6): the headers that belong
 * to one connection are dropped both ways, with those {@code Connection} names; the request gains
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}; {@code Host} is kept, and
 * {@code TE: trailers}, which says the proxy relays trailers. A message's
 * framing is the proxy's own on each side: a body whose length is known keeps its
 * {@code Content-Length}, any other goes chunked, or close-delimited to an HTTP/1.0 client.
 */
final class ProxyHeaders {

  private static final List<AsciiString> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
      AsciiString.cached("proxy-connection"), HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
      HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);
  private static final boolean[] HOP_BY_HOP_LENGTHS = lengthsOf(HOP_BY_HOP);
  private static final HttpConversionUtil.ExtensionHeaderNames[] CONVERSION_HEADERS = HttpConversionUtil.ExtensionHeaderNames.values();
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString H2C = AsciiString.cached("h2c");

  private ProxyHeaders() {}

  /**
   * Whether the client asks to switch protocols (a WebSocket handshake): {@code Upgrade} named by
   * {@code Connection}. Not to {@code h2c}, which RFC 9113 (3.1) deprecates and the balancer
   * speaks itself, by prior knowledge: switched by a replica that speaks it, the connection
   * would become a tunnel to that one replica, its streams past the balancer's routing and
   * limits, as Envoy strips it for. Such a request is served as HTTP/1.1, its {@code Upgrade}
   * dropped as any hop-by-hop header is.
   */
  static boolean asksUpgrade(HttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && !H2C.contentEqualsIgnoreCase(upgrade.strip())
        && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  /**
   * The request made into what goes to a replica, in place: HTTP/1.1, origin-form, end-to-end
   * headers and the forwarding ones. Whatever the exchange needs of the request as the client
   * sent it is read before.
   */
  static HttpRequest toReplica(HttpRequest in, String target, String clientAddress, boolean secure, boolean upgrade) {
    HttpHeaders headers = in.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(in);
    String host = headers.get(HttpHeaderNames.HOST);
    CharSequence upgradeTo = upgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
    boolean trailers = headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    dropHopByHop(headers);
    if (chunked) {
      headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (upgradeTo != null) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    } else if (trailers) {
      // the client takes trailers, and so does the proxy, which relays them: gRPC's servers look for it. Not named in
      // Connection, which HTTP/2's conversion would read as a reason to drop it: "te: trailers" is the one TE HTTP/2 allows
      headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    headers.set(X_FORWARDED_FOR, headers.contains(X_FORWARDED_FOR)
        ? String.join(", ", headers.getAll(X_FORWARDED_FOR)) + ", " + clientAddress : clientAddress);
    headers.set(X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
    if (host != null) {
      headers.set(X_FORWARDED_HOST, host);
    }
    return in.setProtocolVersion(HttpVersion.HTTP_1_1).setUri(target);
  }

  /**
   * A replica's final response made into what goes to the client, in place.
   *
   * @param bodyless the response carries no body whatever its headers say (HEAD, 204, 304)
   * @param keepAlive whether the client's connection stays open after it, as far as the request goes
   * @return the response; its {@code Connection} header says whether the connection stays open
   */
  static HttpResponse toClient(HttpResponse in, HttpVersion clientVersion, boolean bodyless, boolean keepAlive) {
    HttpHeaders headers = in.headers();
    // the answer to a HEAD, bodyless by its request and not by its status, tells the framing a GET would get (RFC 9110, 9.3.2),
    // as a Content-Length is kept: this one's too
    boolean headSaidChunked = bodyless && !bodyless(false, in.status().code()) && clientVersion.equals(HttpVersion.HTTP_1_1)
        && HttpUtil.isTransferEncodingChunked(in);
    dropHopByHop(headers);
    boolean keep = keepAlive;
    if (headSaidChunked) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
        keep = false; // the body ends when the connection does
      } else {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    if (!keep) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return in.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  /** A {@code 101 Switching Protocols} or another interim response, as it goes to the client. */
  static FullHttpResponse interimToClient(HttpResponse in) {
    HttpHeaders headers = in.headers();
    CharSequence upgrade = headers.get(HttpHeaderNames.UPGRADE);
    dropHopByHop(headers);
    if (upgrade != null && in.status().code() == 101) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgrade);
    }
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, in.status(), Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
  }

  /** Whether the response to the message with these framing-relevant facts has no body. */
  static boolean bodyless(boolean headRequest, int status) {
    return headRequest || status == 204 || status == 304 || (status >= 100 && status < 200);
  }

  /**
   * Drops what Netty's conversion from HTTP/2 adds to a message's headers ({@code x-http2-stream-id}
   * and its kind): they tell of one connection's streams and are nobody's business beyond it.
   */
  static void dropConversionHeaders(HttpHeaders headers) {
    for (HttpConversionUtil.ExtensionHeaderNames added : CONVERSION_HEADERS) {
      headers.remove(added.text());
    }
  }

  private static void dropHopByHop(HttpHeaders headers) {
    if (!hasHopByHop(headers)) {
      return; // as most messages: one look at each name, where removing each of the nine would hash it
    }
    List<String> named = new ArrayList<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          named.add(name);
        }
      }
    }
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
    for (String name : named) {
      headers.remove(name);
    }
  }

  /** Whether a header of one connection is among {@code headers}: {@code Connection} is, whenever it names others. */
  private static boolean hasHopByHop(HttpHeaders headers) {
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      if (isHopByHop(it.next().getKey())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is one of {@link #HOP_BY_HOP}, compared with them only when one has its length. */
  private static boolean isHopByHop(CharSequence name) {
    if (name.length() >= HOP_BY_HOP_LENGTHS.length || !HOP_BY_HOP_LENGTHS[name.length()]) {
      return false;
    }
    for (AsciiString hopByHop : HOP_BY_HOP) {
      if (hopByHop.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Which name lengths {@link #HOP_BY_HOP} has, indexed by length. */
  private static boolean[] lengthsOf(List<AsciiString> names) {
    boolean[] lengths = new boolean[names.stream().mapToInt(AsciiString::length).max().orElse(0) + 1];
    names.forEach(name -> lengths[name.length()] = true);
    return lengths;
  }
}
