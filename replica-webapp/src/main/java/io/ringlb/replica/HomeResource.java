package io.ringlb.replica;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Says which replica answered: what the exercise's analysis counts. {@code ?delay-ms=} makes it
 * answer that much later, as a replica doing real work would (httpbin's {@code /delay}): what
 * makes requests pile up in flight when the balancing around them is measured.
 */
@Path("/home")
@ApplicationScoped
public class HomeResource {

  /** Longer than any balancer's response timeout is of no use to anyone. */
  static final long MAX_DELAY_MS = 60_000;

  @Inject ReplicaIdentity identity;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> home(@QueryParam("delay-ms") String delayMs) {
    long delay;
    try {
      delay = delayMs == null ? 0 : Long.parseLong(delayMs.strip());
    } catch (NumberFormatException e) {
      delay = -1;
    }
    if (delay < 0 || delay > MAX_DELAY_MS) {
      return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST)
          .entity(new Greeting("<Error> delay-ms is a whole number of milliseconds from 0 to " + MAX_DELAY_MS + ", was '" + delayMs + "'",
              "failure"))
          .build());
    }
    if (delay == 0) {
      return CompletableFuture.completedFuture(greeting());
    }
    // waits on the JDK's delay scheduler, not on a request thread: many slow answers cost no threads
    return CompletableFuture.supplyAsync(this::greeting, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
  }

  private Response greeting() {
    return identity.id()
        .map(id -> Response.ok(Greeting.from(id)))
        .orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Greeting.unnamed()))
        .build();
  }
}
