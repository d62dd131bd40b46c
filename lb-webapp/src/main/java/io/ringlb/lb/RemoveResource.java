package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** {@code DELETE /rm}: answers once the replicas are out of the ring and stopped. */
@Path("rm")
@ApplicationScoped
public class RemoveResource {

  @Inject BalancerLifecycle lifecycle;

  @DELETE
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public CompletionStage<Success<ReplicaList>> remove(String body) {
    AdminRequest request = AdminRequest.parse(body);
    if (!request.weights().isEmpty()) {
      throw new ApiException(Response.Status.BAD_REQUEST, "'weights' are given when adding replicas, not when removing them");
    }
    // answered when the fleet's loop completes the call: no request thread waits on the replicas
    return lifecycle.balancer().fleet().remove(request.n(), request.hostnames()).thenApply(view -> Success.of(ReplicaList.of(view)));
  }
}
