package io.ringlb.core.proxy;

/**
 * What a request's target and authority may hold, over HTTP/1.1 and HTTP/2 alike: the URI's
 * visible characters (RFC 3986), so no control character, space or DEL, which a replica's
 * parser may take for the end of the request line or of the field, or drop, otherwise than the
 * balancer did; an authority, besides, is a host and a port, with no path, query, fragment or
 * user information in it (RFC 9110, 7.2; RFC 9113, 8.3.1). HAProxy refuses both alike.
 */
final class RequestTargets {

  private RequestTargets() {}

  /** Whether {@code target} ({@code /path?query}, or an absolute URI) holds only visible characters. */
  static boolean visible(CharSequence target) {
    for (int i = 0; i < target.length(); i++) {
      if (!visible(target.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code authority} ({@code Host}'s value, or {@code :authority}) is a host and port at most; empty is allowed. */
  static boolean authority(CharSequence authority) {
    for (int i = 0; i < authority.length(); i++) {
      char c = authority.charAt(i);
      if (!visible(c) || c == '/' || c == '?' || c == '#' || c == '@') {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(char c) {
    return c > ' ' && c != 0x7f;
  }
}
