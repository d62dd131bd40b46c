package io.ringlb.lb;

import io.ringlb.core.fleet.RequestRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
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
 * {@code POST /weight}: a replica's weight changed at runtime, as HAProxy's {@code set server
 * weight}, with the same dry run as {@code /add}. Only on the admin port; the admin token as for
 * {@code /add}.
 */
@Path("weight")
@ApplicationScoped
public class WeightResource {

  @Inject BalancerLifecycle lifecycle;

  /**
   * What {@code /weight} takes and answers.
   *
   * @param hostname the replica, in any case
   * @param weight its weight from now on
   */
  public record WeightChange(
      @Schema(required = true, description = "The replica, in any case", examples = "S2") String hostname,
      @Schema(required = true, minimum = "1", maximum = "" + RequestRules.MAX_WEIGHT, description = "Its weight from now on", examples = "3") int weight) {}

  @POST
  @ChangesFleet
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "replicas")
  @Operation(summary = "Changes a replica's weight",
      description = "In the ring at once if the replica is in it, and whenever it joins again: a replacement keeps it. Strategies ring, maglev"
          + " and rendezvous weigh replicas; with another, the call is refused.")
  @SecurityRequirement(name = BalancerApplication.ADMIN_TOKEN)
  @APIResponse(responseCode = "200", description = "The replica and its weight now; with dry-run=true, what the change would move",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {WeightChange.class, DryRun.class})))
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  @APIResponse(ref = BalancerApplication.UNAUTHORIZED)
  public CompletionStage<Response> weigh(
      @Parameter(description = ReplicasResource.DRY_RUN, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("dry-run") String dryRun,
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WeightChange.class),
          examples = @ExampleObject(name = "a heavier S2", value = "{\"hostname\": \"S2\", \"weight\": 3}")))
      String body) {
    boolean dry = ReplicasResource.dryRun(dryRun);
    WeightChange change = parse(body);
    if (dry) {
      return FleetAnswer.of(lifecycle.balancer().fleet().planReweigh(change.hostname(), change.weight()), plan -> Success.of(DryRun.of(plan)));
    }
    return FleetAnswer.of(lifecycle.balancer().fleet().reweigh(change.hostname(), change.weight()),
        kept -> Success.of(new WeightChange(kept.replicas().stream().filter(name -> name.equalsIgnoreCase(change.hostname())).findFirst()
            .orElse(change.hostname()), change.weight())));
  }

  private static WeightChange parse(String body) {
    JsonObject object = JsonBody.object(body, "{\"hostname\": <name>, \"weight\": <1 to " + RequestRules.MAX_WEIGHT + ">}",
        "{\"hostname\": \"S2\", \"weight\": 3}");
    if (!(object.get("hostname") instanceof JsonString hostname)) {
      throw invalid("'hostname' must be a string, was " + (object.get("hostname") == null ? "missing" : object.get("hostname").toString()));
    }
    JsonValue weight = object.get("weight");
    if (!(weight instanceof JsonNumber number && number.isIntegral())) {
      throw invalid("'weight' must be an integer from 1 to " + RequestRules.MAX_WEIGHT + ", was " + (weight == null ? "missing" : weight.toString()));
    }
    try {
      return new WeightChange(hostname.getString(), number.intValueExact());
    } catch (ArithmeticException tooLarge) {
      RequestRules.checkWeight(hostname.getString(), Long.MAX_VALUE, number.toString()); // refuses it in the words the fleet uses
      throw tooLarge;
    }
  }

  private static ApiException invalid(String problem) {
    return JsonBody.invalid(problem);
  }
}
