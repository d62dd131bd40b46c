package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /add}: answers once the new replicas have passed a heartbeat and are in the ring.
 * Any content type, since the exercise's clients send JSON without always saying so.
 */
@Path("add")
@ApplicationScoped
public class AddResource {

  @Inject BalancerLifecycle lifecycle;

  @POST
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public CompletionStage<Success<ReplicaList>> add(String body) {
    AdminRequest request = AdminRequest.parse(body);
    // answered when the fleet's loop completes the call: no request thread waits on the replicas
    return lifecycle.balancer().fleet().add(request.n(), request.hostnames(), request.weights()).thenApply(view -> Success.of(ReplicaList.of(view)));
  }
}
