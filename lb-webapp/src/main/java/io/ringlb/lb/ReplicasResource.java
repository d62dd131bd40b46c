package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /rep}: the replicas the balancer keeps, on the admin port and, passed through by
 * the data plane, on the clients' port.
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
