package io.ringlb.core.forward;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Headers that belong to one connection, not to the message (RFC 9110 section 7.6.1), plus
 * those the JDK's client sets itself and refuses to be given. A proxy drops them both ways.
 */
final class HopByHopHeaders {

  private static final Set<String> DROPPED =
      Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
          "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings");

  private HopByHopHeaders() {}

  /** The end-to-end headers of {@code headers}: without the above and without what Connection names. */
  static Map<String, List<String>> endToEnd(Map<String, List<String>> headers) {
    Set<String> named = new java.util.HashSet<>();
    headers.forEach(
        (name, values) -> {
          if (name != null && name.equalsIgnoreCase("connection")) {
            for (String value : values) {
              for (String token : value.split(",")) {
                named.add(token.strip().toLowerCase(Locale.ROOT));
              }
            }
          }
        });
    Map<String, List<String>> kept = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) -> {
          if (name == null) {
            return; // the status line, in some clients' header maps
          }
          String lower = name.toLowerCase(Locale.ROOT);
          if (!DROPPED.contains(lower) && !named.contains(lower) && !lower.startsWith(":")) {
            kept.put(name, List.copyOf(values));
          }
        });
    return kept;
  }
}
