package io.ringlb.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Whether an HTTP/2 request's fields may become an HTTP/1.1 request as they are. HTTP/2 carries
 * a field as bytes, HTTP/1.1 as a line: RFC 9113 (8.2.1) makes a value with NUL, CR or LF, or
 * with whitespace at either end, malformed, and {@code :path} (in origin form, or {@code
 * OPTIONS}' {@code *}), {@code :authority} and {@code host} hold what {@link RequestTargets}
 * allows (8.3.1). Netty's conversion refuses control characters and leading whitespace in values
 * on its own; what it lets through (whitespace at a value's end, a NUL, tab or space in {@code
 * :path} or {@code :authority}, a path in another form) would reach the replica's request line
 * or {@code Host} header, where a parser may read it otherwise than the balancer did.
 */
final class Http2Fields {

  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");

  private Http2Fields() {}

  /**
   * Whether a request's head is well formed for forwarding: with {@code :method}; with {@code
   * :path} and an HTTP {@code :scheme}, {@code http} or {@code https}, as Envoy asks (8.3.1: a
   * replica of HTTP's serves no other scheme, and the request it would get names none), or for
   * {@code CONNECT}, answered 501, with {@code :authority} (8.5).
   */
  static boolean head(Http2Headers headers) {
    CharSequence method = headers.method();
    CharSequence path = headers.path();
    CharSequence authority = headers.authority();
    CharSequence host = headers.get(HttpHeaderNames.HOST);
    if (method == null) {
      return false;
    }
    boolean connect = AsciiString.contentEquals(HttpMethod.CONNECT.asciiName(), method);
    if (connect ? authority == null : path == null || !httpScheme(headers.scheme())) {
      return false;
    }
    // a missing :authority and host are the stream's to tell (a 400, as HTTP/1.1 answers a request without Host)
    boolean options = AsciiString.contentEquals(HttpMethod.OPTIONS.asciiName(), method);
    if (path != null && !(RequestTargets.visible(path) && !RequestTargets.hasFragment(path) && RequestTargets.form(path, options, false))
        || authority != null && !RequestTargets.authority(authority)
        || host != null && !RequestTargets.authority(host)) {
      return false;
    }
    return values(headers);
  }

  /** Whether a request's trailers are well formed for forwarding. */
  static boolean trailers(Http2Headers headers) {
    return values(headers);
  }

  private static boolean values(Http2Headers headers) {
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence value = field.getValue();
      int length = value.length();
      if (length > 0 && (whitespace(value.charAt(0)) || whitespace(value.charAt(length - 1)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean httpScheme(CharSequence scheme) {
    return scheme != null && (AsciiString.contentEqualsIgnoreCase(HTTP, scheme) || AsciiString.contentEqualsIgnoreCase(HTTPS, scheme));
  }

  private static boolean whitespace(char c) {
    return c == ' ' || c == '\t';
  }
}
