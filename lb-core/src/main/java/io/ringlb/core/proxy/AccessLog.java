package io.ringlb.core.proxy;

/**
 * Where the data plane hands a line per request it answers ({@link AccessLogEntry}). Called on
 * event loops: an implementation only takes the entry and returns, never formats, writes or
 * waits there ({@link AccessLogWriter} queues it for a thread of its own).
 *
 * <p>The data plane asks whether a log is {@link #NONE} before it reads a clock or builds an
 * entry, so a balancer without an access log pays one comparison per request.
 */
public interface AccessLog extends AutoCloseable {

  /** Logs nothing: the default, {@code lb.access-log} unset. */
  AccessLog NONE = new AccessLog() {
    @Override
    public void log(AccessLogEntry entry) {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "no access log";
    }
  };

  /** Takes one request's line, or drops it if the log cannot keep up; never blocks. */
  void log(AccessLogEntry entry);

  /** Writes every line taken so far and lets go of the output. Called once the data plane logs no more. */
  @Override
  void close();
}
