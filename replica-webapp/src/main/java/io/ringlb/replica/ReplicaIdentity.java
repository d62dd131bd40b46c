package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who this replica is: the {@code SERVER_ID} its balancer gave it, from the environment or any
 * other MicroProfile Config source. A spare, started before anyone knew which replica it would
 * become, has none: it learns its name when its balancer writes it to {@code replica.name-file},
 * and until then it is not ready and answers as no replica. A replica given neither fails
 * rather than answer under a made-up name.
 */
@ApplicationScoped
public class ReplicaIdentity {

  private final Path nameFile;
  private volatile String id;

  @Inject
  public ReplicaIdentity(@ConfigProperty(name = "SERVER_ID") Optional<String> id, @ConfigProperty(name = "replica.name-file") Optional<String> nameFile) {
    this.id = id.filter(given -> !given.isBlank()).orElse(null);
    this.nameFile = nameFile.filter(given -> !given.isBlank()).map(Path::of).orElse(null);
    if (this.id == null && this.nameFile == null) {
      throw new IllegalStateException("A replica needs SERVER_ID, or replica.name-file for a spare");
    }
  }

  /** CDI needs a no-argument constructor to proxy the bean. */
  protected ReplicaIdentity() {
    this.nameFile = null;
  }

  /** The replica's name, once it has one; a name once known never changes. */
  public Optional<String> id() {
    String known = id;
    if (known == null) {
      known = named();
      id = known;
    }
    return Optional.ofNullable(known);
  }

  /** The balancer writes the file whole, then moves it into place: one that exists is complete. */
  private String named() {
    try {
      String name = Files.readString(nameFile).strip();
      return name.isEmpty() ? null : name;
    } catch (NoSuchFileException notYet) {
      return null;
    } catch (IOException unreadable) {
      throw new IllegalStateException("Cannot read " + nameFile, unreadable);
    }
  }
}
