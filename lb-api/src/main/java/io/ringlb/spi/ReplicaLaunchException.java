package io.ringlb.spi;

/** A replica could not be started or stopped; the message says which and why. */
public class ReplicaLaunchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ReplicaLaunchException(String message) {
    super(message);
  }

  public ReplicaLaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
