package io.ringlb.core.fleet;

/**
 * An admin call the fleet refused or could not carry out. Either way nothing changed: a
 * refused call was checked before anything was touched, and a failed one was rolled back.
 */
public final class FleetException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the call failed, which decides the HTTP status a frontend answers with. */
  public enum Reason {
    /** The request itself is wrong: a 400. */
    INVALID_REQUEST,
    /** The request was fine but replicas could not be started or stopped: a 503. */
    UNAVAILABLE
  }

  private final Reason reason;

  private FleetException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public static FleetException invalid(String message) {
    return new FleetException(Reason.INVALID_REQUEST, message);
  }

  public static FleetException unavailable(String message) {
    return new FleetException(Reason.UNAVAILABLE, message);
  }

  public Reason reason() {
    return reason;
  }
}
