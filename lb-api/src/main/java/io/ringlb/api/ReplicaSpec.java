package io.ringlb.api;

import java.util.Objects;

/**
 * What the balancer asks a replica provider to start.
 *
 * @param name the replica's hostname; the provider names the container or process after it
 * @param id the replica's integer id, by which the {@code classic} strategy places it; the
 *     replica itself is told its {@code name} as its {@code SERVER_ID}
 */
public record ReplicaSpec(String name, int id) {

  public ReplicaSpec {
    Objects.requireNonNull(name, "name");
    if (id < 0) {
      throw new IllegalArgumentException("replica " + name + ": id must be >= 0, was " + id);
    }
  }
}
