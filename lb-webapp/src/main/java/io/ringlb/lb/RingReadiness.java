package io.ringlb.lb;

import io.ringlb.core.Balancer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while at least one replica is in the ring, so a request can be served: otherwise 503. */
@Readiness
@ApplicationScoped
public class RingReadiness implements HealthCheck {

  @Inject BalancerLifecycle lifecycle;

  @Override
  public HealthCheckResponse call() {
    if (!lifecycle.started()) {
      return HealthCheckResponse.down("ring");
    }
    Balancer balancer = lifecycle.balancer();
    int inRing = balancer.router().ring().replicas().size();
    return HealthCheckResponse.named("ring")
        .status(inRing > 0)
        .withData("replicas", balancer.fleet().view().n())
        .withData("inRing", inRing)
        .build();
  }
}
