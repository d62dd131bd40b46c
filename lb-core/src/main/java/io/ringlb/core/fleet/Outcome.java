package io.ringlb.core.fleet;

/** What one heartbeat, or one forwarded request, says about a replica. */
public enum Outcome {
  /** It answered well. */
  PASSED,
  /** It did not answer in time: slow, or paused, or gone; weak evidence when everyone is slow. */
  TIMED_OUT,
  /** It refused or dropped the connection, or answered wrongly: it is not serving. */
  FAILED
}
