package io.ringlb.lb;

import io.ringlb.core.fleet.FleetException;
import io.ringlb.core.fleet.Names;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;

/**
 * Every error leaves the balancer in the API's JSON shape: the API's own refusals, the fleet's,
 * and what JAX-RS itself answers (405 for a method a path does not take, 415, ...).
 */
@Provider
public class ErrorMapper implements ExceptionMapper<RuntimeException> {

  private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

  @Context UriInfo uri;
  @Context Request request;

  @Override
  public Response toResponse(RuntimeException exception) {
    return switch (exception) {
      // an admin call's answer that completed with a failure
      case CompletionException wrapped when wrapped.getCause() instanceof RuntimeException cause -> toResponse(cause);
      case ApiException api -> json(api.status().getStatusCode(), api.getMessage());
      case FleetException fleet -> refusal(fleet);
      case NotAllowedException notAllowed -> {
        Set<String> allowed = notAllowed.getResponse().getAllowedMethods();
        yield Response.fromResponse(json(405, "Method " + request.getMethod() + " is not allowed on " + Names.shown(uri.getRequestUri().getRawPath())
            + " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")")).allow(allowed).build();
      }
      case WebApplicationException web -> json(web.getResponse().getStatus(), reason(web.getResponse().getStatus()) + " ("
          + request.getMethod() + " " + Names.shown(uri.getRequestUri().getRawPath()) + ")");
      default -> {
        // the details stay in the log: a client learns nothing of the balancer's insides
        LOG.log(Level.ERROR, "Unexpected failure", exception);
        yield json(500, "Internal error; the balancer's log has the details");
      }
    };
  }

  /** The fleet's refusal of a call: 400 for a call it cannot carry out as asked, 503 for one it could not carry out now. */
  static Response refusal(FleetException refused) {
    return json(refused.reason() == FleetException.Reason.INVALID_REQUEST ? 400 : 503, refused.getMessage());
  }

  private static String reason(int status) {
    Response.Status known = Response.Status.fromStatusCode(status);
    return known != null ? known.getReasonPhrase() : "HTTP " + status;
  }

  private static Response json(int status, String problem) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Failure.of(problem)).build();
  }
}
