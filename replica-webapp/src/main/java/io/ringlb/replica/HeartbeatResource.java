package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Answers the balancer's heartbeat from this replica's own MicroProfile Health readiness: 200,
 * no body, while every readiness check is UP; 503 otherwise, which takes the replica out of the
 * ring until it is ready again. The same checks answer {@code /health/ready}.
 */
@Path("/heartbeat")
@ApplicationScoped
public class HeartbeatResource {

  @Inject @Readiness Instance<HealthCheck> readiness;

  @GET
  public Response heartbeat() {
    boolean ready = readiness.stream().allMatch(check -> check.call().getStatus() == HealthCheckResponse.Status.UP);
    return Response.status(ready ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE).build();
  }
}
