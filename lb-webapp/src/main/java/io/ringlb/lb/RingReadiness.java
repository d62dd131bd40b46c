package io.ringlb.lb;

import io.ringlb.core.Balancer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the data plane listens and at least one replica is in the ring, so a request can
 * be served: otherwise 503. When replicas fail to start, or never pass a heartbeat, {@code
 * problems} says which and why, so an operator who sees DOWN learns the reason here.
 */
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
    boolean listening = balancer.dataPlane().listening();
    HealthCheckResponseBuilder response = HealthCheckResponse.named("ring")
        .status(inRing > 0 && listening)
        .withData("listening", listening)
        .withData("replicas", balancer.fleet().view().n())
        .withData("inRing", inRing);
    List<String> problems = balancer.fleet().problems();
    if (!problems.isEmpty()) {
      response.withData("problems", String.join("; ", problems));
    }
    return response.build();
  }
}
