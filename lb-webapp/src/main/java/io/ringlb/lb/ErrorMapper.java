package io.ringlb.lb;

import io.ringlb.core.fleet.FleetException;
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
      case ApiException api -> json(api.status().getStatusCode(), api.getMessage());
      case FleetException fleet ->
          json(fleet.reason() == FleetException.Reason.INVALID_REQUEST ? 400 : 503, fleet.getMessage());
      case NotAllowedException notAllowed -> {
        Set<String> allowed = notAllowed.getResponse().getAllowedMethods();
        yield Response.fromResponse(json(405, "Method " + request.getMethod() + " is not allowed on '" + uri.getRequestUri().getRawPath()
            + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")")).allow(allowed).build();
      }
      case WebApplicationException web -> json(web.getResponse().getStatus(), web.getMessage());
      default -> {
        LOG.log(Level.ERROR, "Unexpected failure", exception);
        yield json(500, "Internal error: " + exception);
      }
    };
  }

  private static Response json(int status, String problem) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Failure.of(problem)).build();
  }
}
