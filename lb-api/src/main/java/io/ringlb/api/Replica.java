package io.ringlb.api;

import java.util.Objects;

/**
 * A running replica the balancer can send requests to.
 *
 * @param name the replica's hostname, unique within a balancer; hash strategies that place a
 *     replica by name (ring, maglev, rendezvous) give a replacement with the same name the same
 *     place
 * @param id a small non-negative integer, unique within a balancer; the {@code classic}
 *     strategy places a replica by it, as the exercise's {@code Phi(i, j)} does
 * @param host where the replica listens
 * @param port where the replica listens, 1 to 65535
 */
public record Replica(String name, int id, String host, int port) {

  public Replica {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a replica's name must not be blank");
    }
    if (id < 0) {
      throw new IllegalArgumentException("replica " + name + ": id must be >= 0, was " + id);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "replica " + name + ": port must be 1..65535, was " + port);
    }
  }
}
