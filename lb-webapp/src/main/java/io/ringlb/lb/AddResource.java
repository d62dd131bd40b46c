package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /add}: answers once the new replicas have passed a heartbeat and are in the ring.
 * Any content type, since the exercise's clients send JSON without always saying so.
 */
@Path("add")
@ApplicationScoped
public class AddResource {

  @Inject BalancerLifecycle lifecycle;

  @POST
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "replicas")
  @Operation(summary = "Starts replicas and adds them to the ring",
      description = "Answers once every new replica has passed a heartbeat and is in the ring. hostnames may be shorter than n: the rest get"
          + " generated names. weights (strategies ring, maglev and rendezvous) give a replica a share of the keys in proportion to its weight.")
  @SecurityRequirement(name = BalancerApplication.ADMIN_TOKEN)
  @APIResponse(responseCode = "200", description = "The replicas now kept, the new ones in the ring")
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  @APIResponse(ref = BalancerApplication.UNAUTHORIZED)
  @APIResponse(ref = BalancerApplication.UNAVAILABLE)
  public CompletionStage<Success<ReplicaList>> add(
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdminRequest.class),
          examples = @ExampleObject(name = "two named, two generated", value = "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\"], \"weights\": {\"S5\": 2}}")))
      String body) {
    AdminRequest request = AdminRequest.parse(body);
    // answered when the fleet's loop completes the call: no request thread waits on the replicas
    return lifecycle.balancer().fleet().add(request.n(), request.hostnames(), request.weights()).thenApply(view -> Success.of(ReplicaList.of(view)));
  }
}
