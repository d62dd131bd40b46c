package io.ringlb.core;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.api.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The simplest ring there is, key mod N in name order: enough to test what holds rings. It keeps
 * the weights it is given, for tests of what passes them on, and routes as if they were all 1.
 */
public record ModuloRing(ReplicaSet replicas, Weights weights) implements HashRing {

  public ModuloRing(ReplicaSet replicas) {
    this(replicas, Weights.none());
  }

  public static ModuloRing of(String... names) {
    HashRing ring = new ModuloRing(ReplicaSet.empty());
    for (int i = 0; i < names.length; i++) {
      ring = ring.with(new Replica(names[i], i + 1, "127.0.0.1", 9000 + i));
    }
    return (ModuloRing) ring;
  }

  @Override
  public Optional<Replica> route(long key) {
    List<Replica> first = candidates(key, 1);
    return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0));
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    List<Replica> out = new ArrayList<>();
    int n = replicas.size();
    for (int k = 0; k < Math.min(limit, n); k++) {
      out.add(replicas.get((int) Math.floorMod(key + k, (long) n)));
    }
    return List.copyOf(out);
  }

  @Override
  public HashRing with(Replica replica) {
    return new ModuloRing(replicas.with(replica), weights);
  }

  @Override
  public HashRing with(Replica replica, int weight) {
    return new ModuloRing(replicas.with(replica), weights.with(replica.name(), weight));
  }

  @Override
  public int weight(String name) {
    return replicas.contains(name) ? weights.of(name) : 0;
  }

  @Override
  public HashRing without(String name) {
    return new ModuloRing(replicas.without(name), weights.without(name));
  }

  /** A point for each unit of weight, for tests of what reports points. */
  @Override
  public int points(String name) {
    return replicas.contains(name) ? weights.of(name) : 0;
  }
}
