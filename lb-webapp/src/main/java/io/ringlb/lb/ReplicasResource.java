package io.ringlb.lb;

import io.ringlb.core.fleet.ChangePlan;
import io.ringlb.core.fleet.FleetView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The exercise's API: {@code GET /rep}, {@code POST /add}, {@code DELETE /rm}, on the admin port
 * and, passed through by the data plane, on the clients' port. A change is answered when the
 * fleet's loop completes it, so no request thread waits on the replicas. {@code /add} and
 * {@code /rm} take any content type, since the exercise's clients send JSON without always
 * saying so.
 */
@Path("/")
@ApplicationScoped
@Tag(name = "replicas")
public class ReplicasResource {

  static final String DRY_RUN = "true: nothing is started, stopped or published; the answer says which replicas would join or leave and what share"
      + " of the keys would move, from and to which replicas, on the ring that would be published (the strategy's own, weights and all)."
      + " Refused as the call itself would be.";

  @Inject BalancerLifecycle lifecycle;

  @GET
  @Path("rep")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The replicas the balancer keeps",
      description = "N and the hostnames, in the order they were added. A replica being replaced after a failure is still listed.")
  @APIResponse(responseCode = "200", description = "The replicas")
  public Success<ReplicaList> replicas() {
    return Success.of(ReplicaList.of(lifecycle.balancer().fleet().view()));
  }

  @POST
  @Path("add")
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Starts replicas and adds them to the ring",
      description = "Answers once every new replica has passed a heartbeat and is in the ring. hostnames may be shorter than n: the rest get"
          + " generated names. weights (strategies ring, maglev and rendezvous) give a replica a share of the keys in proportion to its weight.")
  @SecurityRequirement(name = BalancerApplication.ADMIN_TOKEN)
  @APIResponse(responseCode = "200", description = "The replicas now kept, the new ones in the ring; with dry-run=true, what the call would do",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {ReplicaList.class, DryRun.class})))
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  @APIResponse(ref = BalancerApplication.UNAUTHORIZED)
  @APIResponse(ref = BalancerApplication.UNAVAILABLE)
  public CompletionStage<Response> add(
      @Parameter(description = DRY_RUN, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("dry-run") String dryRun,
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdminRequest.class),
          examples = @ExampleObject(name = "two named, two generated", value = "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\"], \"weights\": {\"S5\": 2}}")))
      String body) {
    boolean dry = dryRun(dryRun);
    AdminRequest request = AdminRequest.parse(body);
    if (dry) {
      return planned(lifecycle.balancer().fleet().planAdd(request.n(), request.hostnames(), request.weights()));
    }
    return answered(lifecycle.balancer().fleet().add(request.n(), request.hostnames(), request.weights()));
  }

  @DELETE
  @Path("rm")
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Takes replicas out of the ring and stops them",
      description = "Answers once they are out of the ring and stopped; requests in flight at them finish first, for at most"
          + " lb.drain-timeout-ms. hostnames may be shorter than n: the rest are picked at random among the others.")
  @SecurityRequirement(name = BalancerApplication.ADMIN_TOKEN)
  @APIResponse(responseCode = "200", description = "The replicas still kept; with dry-run=true, what the call would do",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {ReplicaList.class, DryRun.class})))
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  @APIResponse(ref = BalancerApplication.UNAUTHORIZED)
  @APIResponse(ref = BalancerApplication.UNAVAILABLE)
  public CompletionStage<Response> remove(
      @Parameter(description = DRY_RUN, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("dry-run") String dryRun,
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdminRequest.class),
          examples = @ExampleObject(name = "one named, two at random", value = "{\"n\": 3, \"hostnames\": [\"S5\"]}")))
      String body) {
    AdminRequest request = AdminRequest.parse(body);
    if (!request.weights().isEmpty()) {
      throw new ApiException(Response.Status.BAD_REQUEST, "'weights' are given when adding replicas, not when removing them");
    }
    if (dryRun(dryRun)) {
      return planned(lifecycle.balancer().fleet().planRemove(request.n(), request.hostnames()));
    }
    return answered(lifecycle.balancer().fleet().remove(request.n(), request.hostnames()));
  }

  private static CompletionStage<Response> answered(CompletionStage<FleetView> change) {
    return FleetAnswer.of(change, view -> Success.of(ReplicaList.of(view)));
  }

  private static CompletionStage<Response> planned(CompletionStage<ChangePlan> plan) {
    return FleetAnswer.of(plan, planned -> Success.of(DryRun.of(planned)));
  }

  /** {@code ?dry-run=true} or {@code false}, absent for false; anything else is refused rather than read as false. */
  static boolean dryRun(String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new ApiException(Response.Status.BAD_REQUEST, "'dry-run' is true or false, not '" + value + "'");
  }
}
