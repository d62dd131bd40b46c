package io.ringlb.example.modulo;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Key mod N over the replicas in name order; the next ones in that order are the candidates. */
record ModuloRing(ReplicaSet replicas) implements HashRing {

  static final ModuloRing EMPTY = new ModuloRing(ReplicaSet.empty());

  @Override
  public Optional<Replica> route(long key) {
    return replicas.isEmpty() ? Optional.empty() : Optional.of(replicas.get(slot(key)));
  }

  @Override
  public List<Replica> candidates(long key, int limit) {
    int wanted = Math.min(limit, replicas.size());
    List<Replica> found = new ArrayList<>(Math.max(wanted, 0));
    for (int k = 0; k < wanted; k++) {
      found.add(replicas.get((slot(key) + k) % replicas.size()));
    }
    return List.copyOf(found);
  }

  private int slot(long key) {
    return (int) Math.floorMod(key, (long) replicas.size());
  }

  @Override
  public HashRing with(Replica replica) {
    return new ModuloRing(replicas.with(replica));
  }

  @Override
  public HashRing without(String name) {
    return replicas.contains(name) ? new ModuloRing(replicas.without(name)) : this;
  }
}
