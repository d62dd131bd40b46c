package io.ringlb.lb;

import jakarta.ws.rs.core.Response;

/** A request the API refuses before touching anything: answered with its status and a {@link Failure}. */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Response.Status status;

  public ApiException(Response.Status status, String problem) {
    super(problem);
    this.status = status;
  }

  public Response.Status status() {
    return status;
  }
}
