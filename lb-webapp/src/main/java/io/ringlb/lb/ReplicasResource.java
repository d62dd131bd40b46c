package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /rep}: the replicas the balancer keeps. A root path of its own, because JAX-RS
 * ranks root resources by literal characters: {@code rep} beats the forwarder's catch-all,
 * where a shared {@code /} would lose to it.
 */
@Path("rep")
@ApplicationScoped
public class ReplicasResource {

  @Inject BalancerLifecycle lifecycle;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Success<ReplicaList> replicas() {
    return Success.of(ReplicaList.of(lifecycle.balancer().fleet().view()));
  }
}
