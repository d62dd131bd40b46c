package io.ringlb.lb;

import io.ringlb.core.fleet.FleetView;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code /rep}, {@code /add} and {@code /rm}: {@code {"N": 3, "replicas": [...]}}. */
@JsonbPropertyOrder({"n", "replicas"})
public record ReplicaList(
    @JsonbProperty("N") @Schema(description = "How many replicas the balancer keeps") int n,
    @Schema(description = "Their hostnames, in the order they were added") List<String> replicas) {

  static ReplicaList of(FleetView view) {
    return new ReplicaList(view.n(), view.replicas());
  }
}
