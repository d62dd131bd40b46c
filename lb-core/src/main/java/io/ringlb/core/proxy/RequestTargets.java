package io.ringlb.core.proxy;

import io.netty.util.AsciiString;

/**
 * What a request's target and authority may hold, over HTTP/1.1 and HTTP/2 alike: the URI's
 * visible characters (RFC 3986), so no control character, space or DEL, which a replica's
 * parser may take for the end of the request line or of the field, or drop, otherwise than the
 * balancer did; a target in one of the forms a request to an origin takes, with no fragment; an authority, a host
 * and a port, with no path, query, fragment or user information in it (RFC 9110, 7.2; RFC 9113,
 * 8.3.1).
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

  /**
   * What makes {@code target} one no request to an origin may carry, or null: a control
   * character, a fragment, none of the forms ({@link #form}, {@code *} for {@code OPTIONS}
   * alone), or an absolute form naming no host. A {@code CONNECT}'s, answered 501 and never
   * forwarded, is looked at for its characters alone.
   */
  static String problem(String target, boolean options, boolean connect) {
    if (!visible(target)) {
      return "a request target with a control character";
    }
    if (hasFragment(target)) {
      return "a request target with a fragment (#), which a client keeps to itself: " + target;
    }
    if (connect) {
      return null;
    }
    if (!form(target, options, true)) {
      return "a request target in none of the forms a request to an origin takes: " + target;
    }
    if (isAbsolute(target) && !namesHost(authorityOf(target))) {
      return "an absolute request target without a host and port: " + target;
    }
    return null;
  }

  /** Whether {@code target}, in one of the forms {@link #form} allows, is an absolute URI: neither a path nor {@code *}. */
  static boolean isAbsolute(String target) {
    return !target.startsWith("/") && !target.equals("*");
  }

  /**
   * Whether {@code target} holds a fragment ({@code #...}), which no request target may (RFC 9112,
   * 3.2; RFC 9113, 8.3.1): a client keeps it to itself. Passed on, {@code /a#x} would be routed on
   * a key of its own and reach a replica that may refuse it or read {@code /a}; HAProxy and Envoy
   * refuse it.
   */
  static boolean hasFragment(CharSequence target) {
    for (int i = 0; i < target.length(); i++) {
      if (target.charAt(i) == '#') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code target} is in a form a request to an origin may take (RFC 9112, 3.2): origin
   * form ({@code /path?query}), {@code *} for {@code OPTIONS} alone, or, when {@code absolute}
   * is allowed (HTTP/1.1 has it, HTTP/2's {@code :path} not), an {@code http} or {@code https}
   * URI. Anything else ({@code home}, {@code GET *}) a replica would read otherwise than the
   * balancer routed it.
   */
  static boolean form(CharSequence target, boolean options, boolean absolute) {
    if (target.length() > 0 && target.charAt(0) == '/') {
      return true;
    }
    if (target.length() == 1 && target.charAt(0) == '*') {
      return options;
    }
    return absolute && (startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://"));
  }

  private static boolean startsWithIgnoreCase(CharSequence text, String prefix) {
    return AsciiString.regionMatches(text, true, 0, prefix, 0, prefix.length());
  }

  /** The authority of an absolute {@code http} or {@code https} target: what comes after its {@code //}, up to its path or query. */
  static String authorityOf(String absolute) {
    int from = absolute.indexOf("//") + 2;
    return absolute.substring(from, authorityEnd(absolute, from));
  }

  /**
   * The path and query of an absolute {@code http} or {@code https} target, with no fragment
   * ({@link #problem}), in origin form: what follows its authority, with the {@code /} an empty
   * path stands for ({@code http://x?k=1} is {@code /?k=1}, RFC 9112, 3.2.1).
   */
  static String originFormOf(String absolute) {
    String rest = absolute.substring(authorityEnd(absolute, absolute.indexOf("//") + 2));
    return rest.startsWith("/") ? rest : "/" + rest;
  }

  /** Whether an absolute target's {@code authority} names a host: an {@code http} URI must (RFC 9110, 4.2.1), so not {@code :8080}. */
  private static boolean namesHost(String authority) {
    return !authority.isEmpty() && authority.charAt(0) != ':' && authority(authority);
  }

  private static int authorityEnd(String absolute, int from) {
    int end = from;
    while (end < absolute.length() && absolute.charAt(end) != '/' && absolute.charAt(end) != '?' && absolute.charAt(end) != '#') {
      end++;
    }
    return end;
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
