package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the engine has read its configuration and begun keeping its replicas. */
@Startup
@ApplicationScoped
public class BalancerStartup implements HealthCheck {

  @Inject BalancerLifecycle lifecycle;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("balancer").status(lifecycle.started()).build();
  }
}
