package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once it knows who it is (a spare, once named), and while no one has put a file at
 * {@code replica.unready-file} ({@code unready} in the server's output directory unless set): an
 * operator or a test takes a replica out of its balancer's ring without stopping it by creating
 * that file, as a Kubernetes readiness probe is often failed on purpose. The balancer's heartbeat asks this.
 */
@Readiness
@ApplicationScoped
public class ReplicaReadiness implements HealthCheck {

  private final ReplicaIdentity identity;
  private final Path unreadyFile;

  @Inject
  public ReplicaReadiness(ReplicaIdentity identity, @ConfigProperty(name = "replica.unready-file") Optional<String> unreadyFile) {
    this.identity = identity;
    this.unreadyFile = Path.of(unreadyFile.orElseGet(() -> Path.of(System.getProperty("server.output.dir", "."), "unready").toString()));
  }

  /** CDI needs a no-argument constructor to proxy the bean. */
  protected ReplicaReadiness() {
    this.identity = null;
    this.unreadyFile = null;
  }

  @Override
  public HealthCheckResponse call() {
    boolean unready = Files.exists(unreadyFile);
    return HealthCheckResponse.named("replica")
        .status(identity.id().isPresent() && !unready)
        .withData("id", identity.id().orElse("none yet"))
        .withData("unreadyFile", unready ? "present" : "absent")
        .build();
  }
}
