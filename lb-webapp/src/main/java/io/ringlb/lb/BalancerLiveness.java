package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the server answers. No replica in the ring is not a reason to restart the
 * balancer (readiness says so), and restarting it would not bring one back sooner.
 */
@Liveness
@ApplicationScoped
public class BalancerLiveness implements HealthCheck {

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.up("balancer");
  }
}
