package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /openapi} on the admin port: an OpenAPI 3.1 document of every endpoint, body and error,
 * checked against what the real balancer answers.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpenApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BalancerClient lb = new BalancerClient();
  private JsonNode document;

  @Deployment(testable = false)
  static WebArchive balancer() {
    return Deployments.balancer();
  }

  @BeforeEach
  void readTheDocument() throws Exception {
    lb.awaitInRing(3);
    HttpResponse<String> answer = lb.http().send(HttpRequest.newBuilder(lb.admin().resolve("/openapi")).header("Accept", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    document = JSON.readTree(answer.body());
  }

  @Test
  void documentsEveryEndpointAsOpenApi31() {
    assertThat(document.path("openapi").asText()).startsWith("3.1");
    assertThat(document.path("info").path("title").asText()).isEqualTo("ringlb");
    Map<String, String> operations = Map.of("/rep", "get", "/add", "post", "/rm", "delete", "/weight", "post", "/fleet", "get", "/lookup", "get",
        "/metrics", "get", "/dashboard", "get");
    assertThat(names(document.path("paths"))).containsExactlyInAnyOrderElementsOf(operations.keySet());
    operations.forEach((path, method) -> {
      JsonNode operation = document.path("paths").path(path).path(method);
      assertThat(operation.path("summary").asText()).as(path).isNotBlank();
      assertThat(operation.path("tags")).as(path).isNotEmpty();
      assertThat(operation.path("responses").has("200")).as(path).isTrue();
    });
  }

  @Test
  void theCallsThatChangeTheFleetDocumentTheirBodyErrorsAndToken() {
    for (String call : List.of("/add:post", "/rm:delete")) {
      String[] pathAndMethod = call.split(":");
      JsonNode operation = document.path("paths").path(pathAndMethod[0]).path(pathAndMethod[1]);
      assertThat(operation.path("requestBody").path("required").asBoolean()).as(call).isTrue();
      assertThat(operation.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText())
          .as(call).isEqualTo("#/components/schemas/AdminRequest");
      assertThat(names(operation.path("responses"))).as(call).containsExactlyInAnyOrder("200", "400", "401", "503");
      assertThat(operation.path("security").get(0).has(BalancerApplication.ADMIN_TOKEN)).as(call).isTrue();
    }
    JsonNode components = document.path("components");
    assertThat(components.path("schemas").path("AdminRequest").path("required").toString()).contains("\"n\"");
    assertThat(components.path("securitySchemes").path(BalancerApplication.ADMIN_TOKEN).path("scheme").asText()).isEqualTo("bearer");
    assertThat(components.path("responses").path("Unauthorized").path("headers").has("WWW-Authenticate")).isTrue();
    for (String error : List.of("BadRequest", "Unauthorized", "Unavailable")) {
      assertThat(components.path("responses").path(error).path("content").path("application/json").path("schema").path("$ref").asText())
          .as(error).isEqualTo("#/components/schemas/Failure");
    }
  }

  @Test
  void theDocumentedShapesAreWhatTheBalancerAnswers() throws Exception {
    JsonNode schemas = document.path("components").path("schemas");
    JsonNode rep = JSON.readTree(lb.send(lb.admin(), "GET", "/rep", null).body());
    assertThat(names(rep)).containsExactlyInAnyOrderElementsOf(names(schemas.path("SuccessReplicaList").path("properties")));
    assertThat(names(rep.path("message"))).containsExactlyInAnyOrderElementsOf(names(schemas.path("ReplicaList").path("properties")));

    JsonNode fleet = JSON.readTree(lb.send(lb.admin(), "GET", "/fleet", null).body()).path("message");
    assertThat(names(fleet)).containsExactlyInAnyOrderElementsOf(names(schemas.path("FleetStatus").path("properties")));
    assertThat(names(fleet.path("replicas").get(0))).containsExactlyInAnyOrderElementsOf(names(schemas.path("ReplicaStatus").path("properties")));
    assertThat(names(fleet.path("arcs").get(0))).containsExactlyInAnyOrderElementsOf(names(schemas.path("Arc").path("properties")));
    assertThat(names(fleet.path("events").get(0))).containsExactlyInAnyOrderElementsOf(names(schemas.path("FleetEvent").path("properties")));

    JsonNode lookup = JSON.readTree(lb.send(lb.admin(), "GET", "/lookup?key=123456", null).body()).path("message");
    assertThat(names(lookup)).containsExactlyInAnyOrderElementsOf(names(schemas.path("LookupAnswer").path("properties")));

    JsonNode refused = JSON.readTree(lb.send(lb.admin(), "POST", "/add", "{\"n\": 0}").body());
    assertThat(names(refused)).containsExactlyInAnyOrderElementsOf(names(schemas.path("Failure").path("properties")));
  }

  @Test
  void hasAUiOnTheAdminPortOnlyTheDataPortPassesThePathToAReplica() {
    HttpResponse<String> ui = lb.send(lb.admin(), "GET", "/openapi/ui/", null);
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));

    assertThat(lb.get("/openapi").body()).isEqualTo("{\"message\":\"<Error> '/openapi' endpoint does not exist in server replicas\",\"status\":\"failure\"}");
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
