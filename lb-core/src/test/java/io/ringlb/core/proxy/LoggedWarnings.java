package io.ringlb.core.proxy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The warnings Netty and the data plane log while it is open (both log through
 * {@code java.util.logging} here): what an operator would find in the balancer's log.
 */
final class LoggedWarnings extends Handler implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  private LoggedWarnings() {}

  /** Starts collecting. */
  static LoggedWarnings collect() {
    LoggedWarnings collecting = new LoggedWarnings();
    collecting.root.addHandler(collecting);
    return collecting;
  }

  /** Each warning so far, as its logger's name and message. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void publish(LogRecord record) {
    String logger = String.valueOf(record.getLoggerName());
    if (record.getLevel().intValue() >= Level.WARNING.intValue() && (logger.startsWith("io.netty") || logger.startsWith("io.ringlb"))) {
      warnings.add(logger + ": " + record.getMessage());
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
  }
}
