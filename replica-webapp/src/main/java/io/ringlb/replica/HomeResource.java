package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Says which replica answered: what the exercise's analysis counts. */
@Path("/home")
@ApplicationScoped
public class HomeResource {

  @Inject ReplicaIdentity identity;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response home() {
    return identity.id()
        .map(id -> Response.ok(Greeting.from(id)))
        .orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Greeting.unnamed()))
        .build();
  }
}
