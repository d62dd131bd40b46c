package io.ringlb.core.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line of the access log per request: Common Log Format, extended with the replica and the
 * time taken:
 *
 * <pre>{@code 127.0.0.1 - - [25/Nov/2026:10:00:00.123 +0000] "GET /home?x=1 HTTP/1.1" 200 13 S2 1.234ms}</pre>
 *
 * The date is the request's arrival, in the clock's zone, to the millisecond (HAProxy's accept
 * date). The request line is the client's, its quotes, backslashes, spaces and bytes outside
 * printable ASCII escaped {@code \xHH} as nginx escapes them, {@code "-"} for a request that
 * could not be read. Then the status the client got, the answer's body bytes, the replica ({@code -} for
 * none) and the milliseconds from the request's head to the end of the answer.
 *
 * <p>Not thread-safe: the access log's writer thread owns one.
 */
final class AccessLogFormat {

  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.US);
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern(" Z", Locale.US);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final ZoneId zone;
  /** The second last formatted, and its date and zone offset: lines of one second share them. */
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedDate = "";
  private String cachedOffset = "";

  AccessLogFormat(ZoneId zone) {
    this.zone = zone;
  }

  /** One line, with its newline, for a request that arrived at {@code arrived}. */
  void format(AccessLogEntry entry, Instant arrived, StringBuilder to) {
    to.append(entry.client()).append(" - - [");
    if (arrived.getEpochSecond() != cachedSecond) {
      ZonedDateTime zoned = arrived.atZone(zone);
      cachedSecond = arrived.getEpochSecond();
      cachedDate = SECOND.format(zoned);
      cachedOffset = OFFSET.format(zoned);
    }
    int millis = arrived.getNano() / 1_000_000;
    to.append(cachedDate).append('.').append(millis < 100 ? (millis < 10 ? "00" : "0") : "").append(millis).append(cachedOffset).append("] \"");
    if (entry.method().isEmpty()) {
      to.append('-');
    } else {
      escape(entry.method(), to);
      to.append(' ');
      escape(entry.target(), to);
      to.append(' ');
      escape(entry.protocol(), to);
    }
    to.append("\" ").append(entry.status()).append(' ').append(entry.bodyBytes()).append(' ');
    escape(entry.replica(), to);
    to.append(' ');
    long micros = Math.max(0, entry.endedNanos() - entry.startedNanos()) / 1_000;
    to.append(micros / 1_000).append('.');
    long fraction = micros % 1_000;
    if (fraction < 100) {
      to.append(fraction < 10 ? "00" : "0");
    }
    to.append(fraction).append("ms\n");
  }

  /**
   * Printable ASCII but spaces as it is; every other character as {@code \xHH}. Netty reads a
   * request line byte by byte, one character each (ISO 8859-1), so that is the byte the client
   * sent; a character past {@code \xFF}, which it never makes, as its bytes in UTF-8.
   */
  private static void escape(String text, StringBuilder to) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
        to.append(c);
      } else if (c <= 0xff) {
        hex(c, to);
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
        for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          hex(b & 0xff, to);
        }
        i = end - 1;
      }
    }
  }

  private static void hex(int b, StringBuilder to) {
    to.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
  }
}
