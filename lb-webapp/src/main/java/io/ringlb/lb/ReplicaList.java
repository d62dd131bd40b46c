package io.ringlb.lb;

import io.ringlb.core.fleet.FleetView;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** The body of {@code /rep}, {@code /add} and {@code /rm}: {@code {"N": 3, "replicas": [...]}}. */
@JsonbPropertyOrder({"n", "replicas"})
public record ReplicaList(@JsonbProperty("N") int n, List<String> replicas) {

  static ReplicaList of(FleetView view) {
    return new ReplicaList(view.n(), view.replicas());
  }
}
