package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

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
  public String scrape() {
    return lifecycle.registry().scrape();
  }
}
