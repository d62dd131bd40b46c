package io.ringlb.strategy.testkit;

import io.ringlb.api.Replica;
import java.util.List;
import java.util.stream.IntStream;

/** Replicas named as the exercise names them: S1, S2, ... with ids 1, 2, ... */
public final class Replicas {

  private Replicas() {}

  public static Replica numbered(int id) {
    return new Replica("S" + id, id, "127.0.0.1", 8000 + id);
  }

  /** S{@code from} to S{@code to}, both included. */
  public static List<Replica> numbered(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Replicas::numbered).toList();
  }
}
