package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /metrics}: the balancer's meters ({@code ringlb_*}) and the JVM's, in Prometheus's
 * text format, for a Prometheus server to scrape. Only on the admin port: on the data port,
 * {@code /metrics} is a replica's path like any other.
 */
@Path("metrics")
@ApplicationScoped
public class MetricsResource {

  /** Prometheus's text exposition format, version 0.0.4. */
  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  @Inject BalancerLifecycle lifecycle;

  @GET
  @Produces(TEXT_FORMAT)
  @Tag(name = "operating")
  @Operation(summary = "The balancer's meters, for Prometheus",
      description = "Per replica: ringlb_replica_responses_total{code}, the ringlb_replica_response_seconds histogram, ringlb_replica_in_flight,"
          + " ringlb_replica_up, retries, connect failures, ejections, heartbeat failures and replacements; ringlb_ring_key_share and"
          + " ringlb_ring_points; and the JVM's meters.")
  @APIResponse(responseCode = "200", description = "Prometheus's text format 0.0.4",
      content = @Content(mediaType = TEXT_FORMAT, schema = @Schema(type = SchemaType.STRING)))
  public String scrape() {
    return lifecycle.registry().scrape();
  }
}
