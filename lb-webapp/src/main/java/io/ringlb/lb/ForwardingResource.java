package io.ringlb.lb;

import io.ringlb.core.forward.ForwardRequest;
import io.ringlb.core.forward.ForwardedResponse;
import io.ringlb.core.forward.NoReplicaAvailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Every other path goes to a replica. The request thread suspends the response and returns;
 * the answer is written from the forwarder's continuation.
 *
 * <p>A replica's 404 becomes the exercise's 400, {@code '/<path>' endpoint does not exist in
 * server replicas}; every other answer, errors included, is passed through as it came.
 */
@Path("{path: .*}")
@ApplicationScoped
public class ForwardingResource {

  private static final System.Logger LOG = System.getLogger(ForwardingResource.class.getName());
  private static final byte[] NO_BODY = new byte[0];

  @Inject BalancerLifecycle lifecycle;

  @GET
  public void get(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("GET", headers, uri, client, NO_BODY, response);
  }

  @HEAD
  public void head(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("HEAD", headers, uri, client, NO_BODY, response);
  }

  @OPTIONS
  public void options(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("OPTIONS", headers, uri, client, NO_BODY, response);
  }

  @POST
  public void post(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("POST", headers, uri, client, body, response);
  }

  @PUT
  public void put(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("PUT", headers, uri, client, body, response);
  }

  @PATCH
  public void patch(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("PATCH", headers, uri, client, body, response);
  }

  @DELETE
  public void delete(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest client, @Suspended AsyncResponse response) {
    forward("DELETE", headers, uri, client, body, response);
  }

  private void forward(String method, HttpHeaders headers, UriInfo uri, HttpServletRequest client, byte[] body, AsyncResponse response) {
    String path = uri.getRequestUri().getRawPath();
    String query = uri.getRequestUri().getRawQuery();
    Map<String, List<String>> requestHeaders = headers.getRequestHeaders();
    ForwardRequest request = new ForwardRequest(method, query == null ? path : path + "?" + query, requestHeaders, body, client.getRemoteAddr());
    lifecycle.balancer()
        .forward(request, new JaxRsRequest(headers, uri, client.getRemoteAddr()))
        .whenComplete((answer, failure) -> response.resume(failure == null ? toClient(answer, path) : failed(failure)));
  }

  private static Response toClient(ForwardedResponse answer, String path) {
    if (answer.status() == 404) {
      return failure(Response.Status.BAD_REQUEST, "'" + path + "' endpoint does not exist in server replicas");
    }
    Response.ResponseBuilder builder = Response.status(answer.status());
    answer.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
    return builder.entity(answer.body().length == 0 ? null : answer.body()).build();
  }

  private static Response failed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof NoReplicaAvailableException none) {
      return failure(Response.Status.SERVICE_UNAVAILABLE, none.getMessage());
    }
    LOG.log(Level.ERROR, "Forwarding failed unexpectedly", cause);
    return failure(Response.Status.INTERNAL_SERVER_ERROR, "Forwarding failed: " + cause);
  }

  private static Response failure(Response.Status status, String problem) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Failure.of(problem)).build();
  }
}
