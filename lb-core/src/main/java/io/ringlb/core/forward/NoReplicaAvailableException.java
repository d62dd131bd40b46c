package io.ringlb.core.forward;

/** No replica could answer: the ring is empty, or every candidate failed. A frontend's 503. */
public final class NoReplicaAvailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NoReplicaAvailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
