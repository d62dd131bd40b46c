package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
  @Tag(name = "replicas")
  @Operation(summary = "The replicas the balancer keeps",
      description = "N and the hostnames, in the order they were added. A replica being replaced after a failure is still listed.")
  @APIResponse(responseCode = "200", description = "The replicas")
  public Success<ReplicaList> replicas() {
    return Success.of(ReplicaList.of(lifecycle.balancer().fleet().view()));
  }
}
