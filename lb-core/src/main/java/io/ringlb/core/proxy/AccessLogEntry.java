package io.ringlb.core.proxy;

/**
 * One request as the access log tells it, captured on an event loop: references the data plane
 * already holds and two readings of its clock, nothing formatted. {@link AccessLogWriter} makes
 * the line.
 *
 * @param client the client's address
 * @param method the request's method as sent, or {@link #UNREAD} when the request could not be read
 * @param target the request target as sent (path and query, or the absolute form), or {@link #UNREAD}
 * @param protocol {@code HTTP/1.1} or {@code HTTP/1.0}, or {@link #UNREAD}
 * @param status the status the client got: the data plane's own for an answer it wrote (a
 *     replica's 404 is the 400 the client got), a replica's otherwise; {@code 499}, as nginx
 *     writes it, when the client left before any answer began
 * @param bodyBytes the answer's body bytes handed to the client's connection
 * @param replica the replicas the request went to or was tried on, in order: one name, or names
 *     joined by commas after a retry or a resend on a new connection ({@code S1,S2}, {@code S2,S2});
 *     the last is the one whose answer a replica's status is; {@link #NO_REPLICA} when none was tried
 * @param startedNanos when the data plane had the request's head, by the data plane's clock
 * @param endedNanos when the last of the answer was handed to the client's connection, or the exchange ended otherwise
 */
public record AccessLogEntry(String client, String method, String target, String protocol, int status, long bodyBytes, String replica,
    long startedNanos, long endedNanos) {

  /** The replica of a request no replica was tried for. */
  public static final String NO_REPLICA = "-";

  /** The method, target and protocol of a request the data plane could not read. */
  public static final String UNREAD = "";

  /** A request refused before it could be read: too long a request line or headers, malformed, or headers too slow. */
  static AccessLogEntry unread(String client, int status, long bodyBytes, long startedNanos, long endedNanos) {
    return new AccessLogEntry(client, UNREAD, UNREAD, UNREAD, status, bodyBytes, NO_REPLICA, startedNanos, endedNanos);
  }
}
