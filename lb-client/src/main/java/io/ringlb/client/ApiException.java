package io.ringlb.client;

/** The balancer refused a call: its HTTP status and the message of its {@code {"message": ..., "status": "failure"}} body. */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;

  public ApiException(int code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The HTTP status. */
  public int code() {
    return code;
  }
}
