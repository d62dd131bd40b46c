package io.ringlb.lb;

import io.ringlb.api.HashRing;
import io.ringlb.core.Balancer;
import io.ringlb.core.fleet.FleetEvent;
import io.ringlb.core.routing.RingDecorator;
import io.ringlb.core.stats.KeyShares;
import io.ringlb.core.stats.RingArcs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /fleet}: the replicas as the dashboard draws them, with their state in the ring, the
 * ring's arcs and the fleet's recent events. Only on the admin port.
 */
@Path("fleet")
@ApplicationScoped
public class FleetResource {

  /** Points read around the circle: finer than a dashboard's circle shows. */
  static final int ARC_RESOLUTION = 1_024;

  @Inject BalancerLifecycle lifecycle;

  private final KeyShares shares = new KeyShares();

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "operating")
  @Operation(summary = "The fleet as the dashboard draws it",
      description = "Each replica kept with its state in the ring, weight, points and share of the keys; the strategy's circle as arcs; the"
          + " fleet's recent events, newest first.")
  @APIResponse(responseCode = "200", description = "The fleet")
  public Success<FleetStatus> fleet() {
    Balancer balancer = lifecycle.balancer();
    HashRing ring = RingDecorator.undecorated(balancer.router().ring());
    Map<String, Double> keyShares = shares.of(ring);
    List<ReplicaStatus> replicas = balancer.fleet().view().replicas().stream()
        .map(name -> new ReplicaStatus(name, ring.replicas().contains(name), ring.weight(name), ring.points(name),
            keyShares.getOrDefault(name, 0.0), balancer.router().loads().of(name)))
        .toList();
    return Success.of(new FleetStatus(replicas, RingArcs.of(ring, ARC_RESOLUTION).arcs(), balancer.recentEvents().events()));
  }

  /**
   * What {@code /fleet} answers.
   *
   * @param replicas the replicas the fleet keeps, in the order they were added
   * @param arcs the strategy's circle, clockwise from the top: who owns each part
   * @param events the fleet's recent events, newest first
   */
  public record FleetStatus(
      @Schema(description = "The replicas the fleet keeps, in the order they were added") List<ReplicaStatus> replicas,
      @Schema(description = "The strategy's circle read at " + ARC_RESOLUTION + " points, clockwise from the top: who owns each part, in turns from 0 to 1")
          List<RingArcs.Arc> arcs,
      @Schema(description = "The fleet's last " + Balancer.RECENT_EVENTS + " events, newest first: added, replaced, joined, left, down, removed")
          List<FleetEvent> events) {}

  /**
   * One replica the fleet keeps.
   *
   * @param up whether it is in the ring now
   * @param weight its weight in the ring, 0 while out of it
   * @param points the points of the strategy's circle it holds
   * @param share the share of the key space it holds, 0 to 1
   * @param inFlight requests the data plane has at it now
   */
  public record ReplicaStatus(
      @Schema(description = "Its hostname") String name,
      @Schema(description = "Whether it is in the ring now") boolean up,
      @Schema(description = "Its weight in the ring, 0 while out of it") int weight,
      @Schema(description = "The points of the strategy's circle it holds: virtual nodes, slots or table entries; 0 for rendezvous") int points,
      @Schema(description = "The share of the key space it holds, 0 to 1") double share,
      @Schema(description = "Requests the data plane has at it now") int inFlight) {}
}
