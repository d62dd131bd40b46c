package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once it knows who it is, which is as soon as the application has started. */
@Readiness
@ApplicationScoped
public class ReplicaReadiness implements HealthCheck {

  @Inject ReplicaIdentity identity;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("replica").status(identity.id() != null).withData("id", String.valueOf(identity.id())).build();
  }
}
