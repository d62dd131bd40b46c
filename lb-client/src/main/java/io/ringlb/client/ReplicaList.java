package io.ringlb.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code /rep}, {@code /add} and {@code /rm} answer with: {@code {"N": 3, "replicas": ["S1",
 * "S2", "S3"]}}, the replicas in the order they were added.
 */
public record ReplicaList(@JsonProperty("N") int n, List<String> replicas) {

  public ReplicaList {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }
}
