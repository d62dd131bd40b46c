package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who this replica is: the {@code SERVER_ID} its balancer gave it, from the environment or any
 * other MicroProfile Config source. A replica without one fails to start rather than answer
 * under a made-up name.
 */
@ApplicationScoped
public class ReplicaIdentity {

  private final String id;

  @Inject
  public ReplicaIdentity(@ConfigProperty(name = "SERVER_ID") String id) {
    this.id = id;
  }

  /** CDI needs a no-argument constructor to proxy the bean. */
  protected ReplicaIdentity() {
    this.id = null;
  }

  public String id() {
    return id;
  }
}
