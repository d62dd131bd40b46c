package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringlb.client.ApiJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exercise's API against a real balancer on Liberty with real replica processes: the exact
 * JSON of every endpoint, and every error case, each leaving the replicas as they were.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiIT {

  private static final String THREE = "{\"message\":{\"N\":3,\"replicas\":[\"S1\",\"S2\",\"S3\"]},\"status\":\"successful\"}";

  private final BalancerClient lb = new BalancerClient();

  @Deployment(testable = false)
  static WebArchive balancer() {
    return Deployments.balancer();
  }

  @BeforeEach
  void threeReplicasInTheRing() {
    lb.awaitInRing(3);
  }

  @Test
  void repListsTheReplicas() {
    HttpResponse<String> rep = lb.get("/rep");

    assertThat(rep.statusCode()).isEqualTo(200);
    assertThat(rep.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(rep.body()).isEqualTo(THREE);
  }

  @Test
  void homeIsAnsweredByAReplicaAndPassedThrough() {
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> home = lb.get("/home");
      assertThat(home.statusCode()).isEqualTo(200);
      String server = ApiJson.server(home.body()).orElseThrow();
      assertThat(server).isIn("S1", "S2", "S3");
      assertThat(home.body()).isEqualTo("{\"message\":\"Hello from Server: " + server + "\",\"status\":\"successful\"}");
      answered.add(home.body());
    }
    assertThat(answered).as("random request ids reach every replica").hasSize(3);
  }

  @Test
  void heartbeatIsPassedThroughToo() {
    HttpResponse<String> heartbeat = lb.get("/heartbeat");

    assertThat(heartbeat.statusCode()).isEqualTo(200);
    assertThat(heartbeat.body()).isEmpty();
  }

  @Test
  void aPathNoReplicaServesIsTheExercises400() {
    HttpResponse<String> other = lb.get("/other");

    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).isEqualTo("{\"message\":\"<Error> '/other' endpoint does not exist in server replicas\",\"status\":\"failure\"}");
    assertThat(lb.get("/a/b?c=d").body()).contains("'/a/b' endpoint does not exist in server replicas");
  }

  @Test
  void addStartsReplicasAndRmStopsThem() {
    HttpResponse<String> added = lb.send("POST", "/add", "{\"n\": 2, \"hostnames\": [\"S5\"], \"weights\": {\"S5\": 2}}");

    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(added.body()).isEqualTo("{\"message\":{\"N\":5,\"replicas\":[\"S1\",\"S2\",\"S3\",\"S5\",\"S4\"]},\"status\":\"successful\"}");
    assertThat(lb.inRing()).as("in the ring when /add answers").contains(5);
    assertThat(answeringReplicas(200)).contains("S5", "S4");

    HttpResponse<String> removed = lb.send("DELETE", "/rm", "{\"n\": 2, \"hostnames\": [\"S5\", \"S4\"]}");

    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(removed.body()).isEqualTo(THREE);
    assertThat(lb.inRing()).as("out of the ring when /rm answers").contains(3);
    assertThat(answeringReplicas(100)).containsExactlyInAnyOrder("S1", "S2", "S3");
  }

  @Test
  void rmPicksTheRestAtRandomAndAddRestoresTheCount() {
    HttpResponse<String> removed = lb.send("DELETE", "/rm", "{\"n\": 2}");

    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(ApiJson.replicas(removed.body()).n()).isEqualTo(1);
    HttpResponse<String> added = lb.send("POST", "/add", "{\"n\": 2}");
    assertThat(ApiJson.replicas(added.body()).n()).isEqualTo(3);
    assertThat(lb.rep()).isEqualTo(added.body());
    restoreS1ToS3();
  }

  static Stream<Arguments> callsWithoutTheAdminToken() {
    return Stream.of(
        Arguments.of("POST", "/add", null, "needs 'Authorization: Bearer <token>' with the balancer's lb.admin.token; nothing was changed"),
        Arguments.of("DELETE", "/rm", null, "needs 'Authorization: Bearer <token>'"),
        Arguments.of("POST", "/add", "Bearer wrong-" + BalancerClient.ADMIN_TOKEN, "The bearer token is not the admin token; nothing was changed"),
        Arguments.of("DELETE", "/rm", "Bearer " + BalancerClient.ADMIN_TOKEN.substring(1), "The bearer token is not the admin token"),
        Arguments.of("DELETE", "/rm", "Basic " + BalancerClient.ADMIN_TOKEN, "needs 'Authorization: Bearer <token>'"),
        Arguments.of("POST", "/add", "Bearer", "needs 'Authorization: Bearer <token>'"));
  }

  @ParameterizedTest(name = "{0} {1} with {2}")
  @MethodSource("callsWithoutTheAdminToken")
  void changingTheFleetWithoutTheAdminTokenIsA401OnEitherPortThatChangesNothing(String method, String path, String authorization,
      String problem) {
    assertThat(BalancerClient.ADMIN_TOKEN).as("the suite runs the balancer with lb.admin.token set").isNotEmpty();
    for (URI port : List.of(lb.data(), lb.admin())) {
      HttpResponse<String> refused = lb.send(port, method, path, "{\"n\": 1}", authorization);

      assertThat(refused.statusCode()).as("%s %s on %s", method, path, port).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ringlb\"");
      assertThat(refused.body()).startsWith("{\"message\":\"<Error> ").contains(problem).endsWith("\"status\":\"failure\"}");
      assertThat(lb.rep()).isEqualTo(THREE);
      assertThat(lb.inRing()).contains(3);
    }
  }

  @Test
  void theSchemeIsCaseInsensitiveAsHttpSaysAndTheRightTokenPassesToTheCallItself() {
    for (String scheme : List.of("Bearer ", "bearer ", "BEARER ")) {
      HttpResponse<String> passed = lb.send(lb.data(), "POST", "/add", "{\"n\": 0}", scheme + BalancerClient.ADMIN_TOKEN);

      assertThat(passed.statusCode()).as(scheme).isEqualTo(400);
      assertThat(passed.body()).as(scheme).contains("'n' must be a positive integer, was 0");
    }
    assertThat(lb.rep()).isEqualTo(THREE);
  }

  @Test
  void aCallFromAnotherSitesPageIsA403ThatChangesNothingEvenWithTheToken() throws Exception {
    for (URI port : List.of(lb.data(), lb.admin())) {
      for (String origin : List.of("http://attacker.example", "null", "http://127.0.0.1:1")) {
        HttpResponse<String> refused = lb.http().send(HttpRequest.newBuilder(port.resolve("/add"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}"))
                .header("Content-Type", "text/plain")
                .header("Origin", origin)
                .header("Authorization", "Bearer " + BalancerClient.ADMIN_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as("%s from %s", port, origin).isEqualTo(403);
        assertThat(refused.body()).startsWith("{\"message\":\"<Error> A page from " + origin + " may not change the fleet")
            .endsWith("nothing was changed\",\"status\":\"failure\"}");
      }
    }
    // the page's own origin, as the dashboard sends it, passes to the call itself
    HttpResponse<String> own = lb.http().send(HttpRequest.newBuilder(lb.admin().resolve("/add"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 0}"))
            .header("Origin", "http://" + lb.admin().getAuthority())
            .header("Authorization", "Bearer " + BalancerClient.ADMIN_TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(own.statusCode()).isEqualTo(400);
    assertThat(own.body()).contains("'n' must be a positive integer, was 0");
    assertThat(lb.rep()).isEqualTo(THREE);
    assertThat(lb.inRing()).contains(3);
  }

  @Test
  void readingNeedsNoToken() {
    for (URI port : List.of(lb.data(), lb.admin())) {
      assertThat(lb.send(port, "GET", "/rep", null, null).body()).isEqualTo(THREE);
    }
    assertThat(lb.send(lb.data(), "GET", "/home", null, null).statusCode()).isEqualTo(200);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("POST", "/add", "", 400, "The request body is empty: send {\\\"n\\\": <count>, \\\"hostnames\\\": [<names>]}"),
        Arguments.of("POST", "/add", "{", 400, "Malformed JSON at line 1, column "),
        Arguments.of("POST", "/add", "[1]", 400, "The request body must be a JSON object such as"),
        Arguments.of("POST", "/add", "{}", 400, "'n' is missing"),
        Arguments.of("POST", "/add", "{\"n\": \"2\"}", 400, "'n' must be an integer, was \\\"2\\\""),
        Arguments.of("POST", "/add", "{\"n\": 1.5}", 400, "'n' must be an integer, was 1.5"),
        Arguments.of("POST", "/add", "{\"n\": 99999999999}", 400, "'n' must be an integer, was 99999999999"),
        Arguments.of("POST", "/add", "{\"n\": 0}", 400, "'n' must be a positive integer, was 0"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S8\", \"S9\"]}", 400, "Length of hostname list is more than newly added instances"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": \"S9\"}", 400, "'hostnames' must be a list of strings, was \\\"S9\\\""),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [7]}", 400, "'hostnames' must be a list of strings, but contains 7"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S1\"]}", 400, "Hostname 'S1' is already in use"),
        Arguments.of("POST", "/add", "{\"n\": 2, \"hostnames\": [\"S9\", \"S9\"]}", 400, "Hostname 'S9' appears more than once"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"bad_name\"]}", 400, "'bad_name' is not a valid hostname"),
        Arguments.of("POST", "/add", "{\"n\": 6}", 400, "Adding 6 would make 9 replicas, more than the maximum of 8"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S9\"], \"weights\": {\"S9\": 0}}", 400, "The weight of 'S9' must be an integer from 1 to 1000, was 0"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S9\"], \"weights\": {\"S8\": 2}}", 400, "A weight is given for 'S8', which is not among the hostnames added"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"weights\": [2]}", 400, "'weights' must be an object of hostnames to integers, was [2]"),
        Arguments.of("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S9\"], \"weights\": {\"S9\": \"2\"}}", 400, "The weight of 'S9' must be an integer, was \\\"2\\\""),
        Arguments.of("DELETE", "/rm", "{\"n\": 1, \"weights\": {\"S1\": 2}}", 400, "'weights' are given when adding replicas, not when removing them"),
        Arguments.of("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S1\", \"S2\"]}", 400, "Length of hostname list is more than removable instances"),
        Arguments.of("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}", 400, "Hostname 'S9' is not among the replicas [S1, S2, S3]"),
        Arguments.of("DELETE", "/rm", "{\"n\": 4}", 400, "Cannot remove 4 replicas: there are 3"),
        Arguments.of("DELETE", "/rm", "{\"n\": -1}", 400, "'n' must be a positive integer, was -1"),
        Arguments.of("DELETE", "/rm", "nope", 400, "Malformed JSON"),
        Arguments.of("POST", "/rep", null, 405, "Method POST is not allowed on '/rep' (allowed: GET, HEAD, OPTIONS)"),
        Arguments.of("GET", "/add", null, 405, "Method GET is not allowed on '/add' (allowed: OPTIONS, POST)"),
        Arguments.of("GET", "/rm", null, 405, "Method GET is not allowed on '/rm' (allowed: DELETE, OPTIONS)"));
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("badRequests")
  void aBadRequestGetsAClearJsonErrorAndChangesNothing(String method, String path, String body, int status, String message) {
    HttpResponse<String> response = lb.send(method, path, body);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).startsWith("{\"message\":\"<Error> " + message).endsWith("\",\"status\":\"failure\"}");
    assertThat(lb.rep()).isEqualTo("{\"message\":{\"N\":3,\"replicas\":[\"S1\",\"S2\",\"S3\"]},\"status\":\"successful\"}");
    assertThat(lb.inRing()).contains(3);
  }

  @Test
  void concurrentAdminCallsAreSerializedAndBothTakeEffect() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> lb.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"a1\"]}"), callers);
      CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> lb.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"b1\"]}"), callers);

      assertThat(first.get(180, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(second.get(180, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    } finally {
      callers.shutdown();
    }
    assertThat(ApiJson.replicas(lb.rep()).replicas()).hasSize(5).contains("a1", "b1");
    assertThat(lb.send("DELETE", "/rm", "{\"n\": 2, \"hostnames\": [\"a1\", \"b1\"]}").body()).isEqualTo(THREE);
  }

  @Test
  void theAdminPortServesTheBalancersHealthAndTheSameApi() {
    HttpResponse<String> ready = lb.send(lb.admin(), "GET", "/health/ready", null);

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ApiJson.readiness(ready.body())).containsEntry("inRing", "3").containsEntry("replicas", "3");
    assertThat(lb.send(lb.admin(), "GET", "/health/live", null).statusCode()).isEqualTo(200);
    assertThat(lb.send(lb.admin(), "GET", "/health/started", null).statusCode()).isEqualTo(200);
    assertThat(lb.send(lb.admin(), "GET", "/rep", null).body()).isEqualTo(THREE);
  }

  /** The balancer of these tests runs with {@code lb.key=header:X-User,cookie:session} (the pom). */
  @Test
  void lookupNamesWhereAKeyGoesAndRefusesWhatItCannotHash() {
    HttpResponse<String> found = lb.send(lb.admin(), "GET", "/lookup?key=alice", null);

    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).matches("\\{\"message\":\\{\"candidates\":\\[\"(S[123])\",\"S[123]\",\"S[123]\"],\"hash\":\"[0-9a-f]{16}\","
        + "\"key\":\"alice\",\"passedOver\":\\[],\"replica\":\"\\1\"},\"status\":\"successful\"}");
    assertThat(lb.send(lb.admin(), "GET", "/lookup?key=alice", null).body()).as("the same key, the same answer").isEqualTo(found.body());
    assertThat(lb.send(lb.admin(), "GET", "/lookup?path=/home&header.X-User=alice", null).body()).as("a request with her header").isEqualTo(found.body());
    assertThat(lb.send(lb.admin(), "GET", "/lookup?path=/cart&cookie.session=alice", null).body()).as("one with her session cookie alone")
        .isEqualTo(found.body());

    HttpResponse<String> nothing = lb.send(lb.admin(), "GET", "/lookup?path=/home&header.X-Tenant=acme", null);
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertThat(nothing.body()).startsWith("{\"message\":\"<Error> Nothing to hash: lb.key finds nothing in this request, so the data plane would give it"
        + " a random id").endsWith("\"status\":\"failure\"}");
    HttpResponse<String> unknown = lb.send(lb.admin(), "GET", "/lookup?host=x", null);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("'host' is not a lookup parameter (accepted: path, header.<name>, query.<name>, cookie.<name>, client, or key alone)");
    HttpResponse<String> malformed = lb.send(lb.admin(), "GET", "/lookup?header.X%20Y=v", null);
    assertThat(malformed.statusCode()).as("a header name no request could carry").isEqualTo(400);
    assertThat(malformed.body()).contains("No request could carry this");
  }

  /**
   * What a client outside does to check a lookup: send real requests through the data plane and ask {@code /lookup}
   * where each goes. A thousand, keyed by a header, a cookie among others, or both (the header wins).
   */
  @Test
  void aThousandRequestsThroughTheDataPlaneGoWhereTheirLookupsSay() throws Exception {
    Pattern answeredBy = Pattern.compile("Hello from Server: (S\\d+)");
    Pattern lookedUp = Pattern.compile("\"replica\":\"(S\\d+)\"");
    Set<String> servers = new HashSet<>();
    try (HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < 1_000; i++) {
        String user = "user-" + (i * 7919 % 5_003);
        HttpRequest.Builder request = HttpRequest.newBuilder(lb.data().resolve("/home?page=" + i));
        String lookup = switch (i % 3) {
          case 0 -> {
            request.header("X-User", user);
            yield "/lookup?path=/home&header.X-User=" + user;
          }
          case 1 -> {
            request.header("Cookie", "theme=dark; session=" + user + "; lang=en");
            yield "/lookup?path=/home&cookie.theme=dark&cookie.session=" + user;
          }
          default -> {
            request.header("X-User", user).header("Cookie", "session=someone-else");
            yield "/lookup?path=/home&header.X-User=" + user + "&cookie.session=someone-else";
          }
        };
        String body = client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher served = answeredBy.matcher(body);
        assertThat(served.find()).as(body).isTrue();
        Matcher named = lookedUp.matcher(lb.send(lb.admin(), "GET", lookup, null).body());
        assertThat(named.find()).isTrue();

        assertThat(named.group(1)).as("request %d, %s", i, lookup).isEqualTo(served.group(1));
        servers.add(served.group(1));
      }
    }
    assertThat(servers).as("the users spread over every replica").containsExactlyInAnyOrder("S1", "S2", "S3");
  }

  @Test
  void aDryRunSaysWhatAChangeWouldMoveAndChangesNothing() throws Exception {
    HttpResponse<String> add = lb.send(lb.data(), "POST", "/add?dry-run=true", "{\"n\": 1, \"hostnames\": [\"S9\"]}");

    assertThat(add.statusCode()).isEqualTo(200);
    JsonNode plan = new ObjectMapper().readTree(add.body()).path("message");
    assertThat(plan.path("joining").toString()).isEqualTo("[\"S9\"]");
    assertThat(plan.path("leaving").toString()).isEqualTo("[]");
    assertThat(plan.path("moved").asDouble()).as("a fourth replica takes about a quarter of the keys").isBetween(0.1, 0.4);
    assertThat(plan.path("to").path("S9").asDouble()).isEqualTo(plan.path("moved").asDouble());
    assertThat(lb.get("/rep").body()).as("nothing started").isEqualTo(THREE);

    HttpResponse<String> rm = lb.send(lb.admin(), "DELETE", "/rm?dry-run=true", "{\"n\": 1, \"hostnames\": [\"s2\"]}");
    JsonNode leaving = new ObjectMapper().readTree(rm.body()).path("message");
    assertThat(leaving.path("leaving").toString()).isEqualTo("[\"S2\"]");
    assertThat(leaving.path("from").path("S2").asDouble()).isEqualTo(leaving.path("moved").asDouble()).isBetween(0.15, 0.55);
    assertThat(lb.get("/rep").body()).as("nothing stopped").isEqualTo(THREE);

    assertThat(lb.send(lb.data(), "POST", "/add?dry-run=maybe", "{\"n\": 1}").body())
        .isEqualTo("{\"message\":\"<Error> 'dry-run' is true or false, not 'maybe'\",\"status\":\"failure\"}");
    HttpResponse<String> refused = lb.send(lb.data(), "POST", "/add?dry-run=true", "{\"n\": 1, \"hostnames\": [\"S1\"]}");
    assertThat(refused.statusCode()).as("refused as the call would be").isEqualTo(400);
  }

  @Test
  void aWeightChangesAtRuntimeWithTheSameDryRunAndBadInputChangesNothing() throws Exception {
    HttpResponse<String> dry = lb.send(lb.admin(), "POST", "/weight?dry-run=true", "{\"hostname\": \"s2\", \"weight\": 3}");
    JsonNode plan = new ObjectMapper().readTree(dry.body()).path("message");
    assertThat(plan.path("reweighed").toString()).isEqualTo("[\"S2\"]");
    assertThat(plan.path("to").path("S2").asDouble()).as("a heavier S2 takes keys from the others").isEqualTo(plan.path("moved").asDouble())
        .isBetween(0.1, 0.6);
    assertThat(weightOf("S2")).as("a dry run changes nothing").isEqualTo(1);
    try {
      HttpResponse<String> set = lb.send(lb.admin(), "POST", "/weight", "{\"hostname\": \"s2\", \"weight\": 3}");

      assertThat(set.body()).isEqualTo("{\"message\":{\"hostname\":\"S2\",\"weight\":3},\"status\":\"successful\"}");
      assertThat(weightOf("S2")).isEqualTo(3);
      assertThat(lb.send(lb.admin(), "POST", "/weight", "{\"hostname\": \"S9\", \"weight\": 2}").body())
          .isEqualTo("{\"message\":\"<Error> Hostname 'S9' is not among the replicas\",\"status\":\"failure\"}");
      assertThat(lb.send(lb.admin(), "POST", "/weight", "{\"hostname\": \"S1\", \"weight\": 0}").statusCode()).isEqualTo(400);
      assertThat(lb.send(lb.admin(), "POST", "/weight", "{\"hostname\": \"S1\"}").body()).contains("'weight' must be an integer from 1 to 1000, was missing");
      assertThat(weightOf("S1")).as("refused, nothing changed").isEqualTo(1);
    } finally {
      lb.send(lb.admin(), "POST", "/weight", "{\"hostname\": \"S2\", \"weight\": 1}");
    }
  }

  private int weightOf(String replica) throws Exception {
    for (JsonNode status : new ObjectMapper().readTree(lb.send(lb.admin(), "GET", "/fleet", null).body()).path("message").path("replicas")) {
      if (status.path("name").asText().equals(replica)) {
        return status.path("weight").asInt();
      }
    }
    throw new AssertionError(replica + " is not in /fleet");
  }

  @Test
  void onTheDataPortEveryPathButTheApisGoesToAReplicaItsHealthIncluded() {
    HttpResponse<String> replicaHealth = lb.get("/health/ready");

    assertThat(replicaHealth.statusCode()).isEqualTo(200);
    assertThat(replicaHealth.body()).doesNotContain("inRing"); // the replica's own readiness, not the balancer's
    assertThat(lb.get("/rep/").body()).isEqualTo(THREE);
  }

  private Set<String> answeringReplicas(int requests) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      String body = lb.get("/home").body();
      names.add(ApiJson.server(body).orElse(body));
    }
    return names;
  }

  /** A test that removed replicas at random puts S1..S3 back, so the next starts from the same place. */
  @Test
  void anErrorCutsALongNameAndRmTakesNamesInAnyCaseAsAddDoes() {
    HttpResponse<String> refused = lb.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"" + "x".repeat(2_000) + "\"]}");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).hasSizeLessThan(300).contains("...' (2000 characters) is not a valid hostname");

    HttpResponse<String> removed = lb.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"s3\"]}");

    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(removed.body()).isEqualTo("{\"message\":{\"N\":2,\"replicas\":[\"S1\",\"S2\"]},\"status\":\"successful\"}");
    restoreS1ToS3();
  }

  private void restoreS1ToS3() {
    if (!lb.rep().equals(THREE)) {
      List<String> names = ApiJson.replicas(lb.rep()).replicas();
      lb.send("DELETE", "/rm", "{\"n\": " + names.size() + "}");
      lb.send("POST", "/add", "{\"n\": 3, \"hostnames\": [\"S1\", \"S2\", \"S3\"]}");
    }
  }
}
