package io.ringlb.core.health;

/** What one heartbeat, or one forwarded request, says about a replica. */
public enum Outcome {
  /** It answered well. */
  PASSED,
  /**
   * It answered, but said it cannot serve now: its readiness is DOWN. It is alive: out of the
   * ring until it passes again, not replaced.
   */
  UNREADY,
  /** It did not answer in time: slow, or paused, or gone; weak evidence when everyone is slow. */
  TIMED_OUT,
  /** It refused or dropped the connection, or answered wrongly: it is not serving. */
  FAILED
}
