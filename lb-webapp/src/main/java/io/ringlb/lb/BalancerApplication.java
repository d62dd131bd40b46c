package io.ringlb.lb;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The balancer's API and the operator's endpoints, at the root of the server. The OpenAPI
 * document Liberty serves at {@code /openapi} (and its UI at {@code /openapi/ui}) starts here:
 * the errors every call can answer are defined once, below, and the calls refer to them.
 */
@ApplicationPath("/")
@OpenAPIDefinition(
    info = @Info(title = "ringlb", version = "1",
        description = "A consistent-hashing load balancer that runs its own replicas. The exercise's API (/rep, /add, /rm) is served on the"
            + " clients' port (lb.port, 5000) and on the admin port (lb.admin.port, 5001); every other path of the clients' port goes to a"
            + " replica. The operator's endpoints (/fleet, /lookup, /metrics, /dashboard, /health, /openapi) are on the admin port only.",
        license = @License(name = "Apache-2.0")),
    tags = {
        @Tag(name = "replicas", description = "The exercise's API: list, add and remove replicas"),
        @Tag(name = "operating", description = "What an operator reads: the fleet, where a key goes, metrics and the dashboard (admin port only)")},
    components = @Components(
        securitySchemes = @SecurityScheme(securitySchemeName = BalancerApplication.ADMIN_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
            description = "lb.admin.token, when set: required by /add and /rm. Without it, the calls are open."),
        responses = {
            @APIResponse(name = BalancerApplication.BAD_REQUEST, responseCode = "400",
                description = "The request is wrong and nothing changed: malformed JSON, a missing or non-integer n, n below 1 or beyond what"
                    + " can be removed, more hostnames than n, a name already in use or not in the set, a name that is not a valid hostname,"
                    + " duplicate names, more replicas than lb.max-replicas",
                content = @Content(mediaType = "application/json", schema = @Schema(implementation = Failure.class),
                    examples = @ExampleObject(name = "too many names",
                        value = "{\"message\": \"<Error> Length of hostname list is more than newly added instances\", \"status\": \"failure\"}"))),
            @APIResponse(name = BalancerApplication.UNAUTHORIZED, responseCode = "401",
                description = "lb.admin.token is set and the request did not carry it as Authorization: Bearer <token>; nothing changed",
                headers = @Header(name = "WWW-Authenticate", description = "Bearer realm=\"ringlb\"", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
                content = @Content(mediaType = "application/json", schema = @Schema(implementation = Failure.class))),
            @APIResponse(name = BalancerApplication.UNAVAILABLE, responseCode = "503",
                description = "The request was fine but replicas could not be started or stopped in time: the message says which and why",
                content = @Content(mediaType = "application/json", schema = @Schema(implementation = Failure.class)))}))
public class BalancerApplication extends Application {

  /** The names the calls refer to, in the OpenAPI document's components. */
  static final String ADMIN_TOKEN = "adminToken";
  static final String BAD_REQUEST = "BadRequest";
  static final String UNAUTHORIZED = "Unauthorized";
  static final String UNAVAILABLE = "Unavailable";
}
