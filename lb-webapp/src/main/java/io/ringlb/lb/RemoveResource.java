package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code DELETE /rm}: answers once the replicas are out of the ring and stopped. */
@Path("rm")
@ApplicationScoped
public class RemoveResource {

  @Inject BalancerLifecycle lifecycle;

  @DELETE
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "replicas")
  @Operation(summary = "Takes replicas out of the ring and stops them",
      description = "Answers once they are out of the ring and stopped; requests in flight at them finish first, for at most"
          + " lb.drain-timeout-ms. hostnames may be shorter than n: the rest are picked at random among the others.")
  @SecurityRequirement(name = BalancerApplication.ADMIN_TOKEN)
  @APIResponse(responseCode = "200", description = "The replicas still kept")
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  @APIResponse(ref = BalancerApplication.UNAUTHORIZED)
  @APIResponse(ref = BalancerApplication.UNAVAILABLE)
  public CompletionStage<Success<ReplicaList>> remove(
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdminRequest.class),
          examples = @ExampleObject(name = "one named, two at random", value = "{\"n\": 3, \"hostnames\": [\"S5\"]}")))
      String body) {
    AdminRequest request = AdminRequest.parse(body);
    if (!request.weights().isEmpty()) {
      throw new ApiException(Response.Status.BAD_REQUEST, "'weights' are given when adding replicas, not when removing them");
    }
    // answered when the fleet's loop completes the call: no request thread waits on the replicas
    return lifecycle.balancer().fleet().remove(request.n(), request.hostnames()).thenApply(view -> Success.of(ReplicaList.of(view)));
  }
}
