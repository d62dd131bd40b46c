package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** Answers the balancer's heartbeat: 200, no body. */
@Path("/heartbeat")
@ApplicationScoped
public class HeartbeatResource {

  @GET
  public Response heartbeat() {
    return Response.ok().build();
  }
}
