package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ExerciseRules;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Loads;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.FakeClock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a request goes, from its target: the API's paths to the admin endpoint, the rest by key over the ring. */
class RouteTest {

  private static final Replica ADMIN = new Replica("admin", 0, "127.0.0.1", 5001);

  private final Plane plane;

  RouteTest() {
    ReplicaSet replicas = ReplicaSet.empty();
    for (int i = 0; i < 3; i++) {
      replicas = replicas.with(new Replica("R" + i, i, "127.0.0.1", 7000 + i));
    }
    ProxySettings d = ProxySettings.defaults(0);
    ProxySettings settings = new ProxySettings(d.host(), d.port(), d.eventLoops(), d.maxHeaderBytes(), d.maxBodyBytes(), d.retryBodyBytes(),
        d.headerTimeout(), d.idleTimeout(), d.connectTimeout(), d.responseTimeout(), d.connectionsPerReplica(), Optional.of(ADMIN));
    // the key is the query's number: "?k=2" goes to R2 first
    plane = new Plane(settings, new Router(new ModuloRing(replicas), 3, new Loads()),
        request -> request.queryParameter("k").map(Long::parseLong).orElse(0L), (replica, outcome) -> {}, RequestEvents.NONE, AccessLog.NONE,
        new FakeClock(), ExerciseRules.rules());
  }

  private Route route(String uri) {
    return Route.of(plane, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri), "192.0.2.7");
  }

  @Test
  void aReplicaPathGoesToTheCandidatesOfItsKeyInOrder() {
    Route route = route("/home?k=2");

    assertThat(route.toAdmin()).isFalse();
    assertThat(route.target()).isEqualTo("/home?k=2");
    assertThat(route.path()).isEqualTo("/home");
    assertThat(route.candidates()).extracting(Replica::name).containsExactly("R2", "R0", "R1");
  }

  @Test
  void theApisPathsGoToTheAdminEndpointAlone() {
    for (String uri : new String[] {"/rep", "/add", "/rm?x=1"}) {
      assertThat(route(uri).toAdmin()).as(uri).isTrue();
      assertThat(route(uri).candidates()).as(uri).containsExactly(ADMIN);
    }
    assertThat(route("/report").toAdmin()).as("a path that only begins like one").isFalse();
  }

  @Test
  void anAbsoluteFormTargetIsForwardedInOriginForm() {
    Route route = route("http://example.com:8080/home?k=1");

    assertThat(route.target()).isEqualTo("/home?k=1");
    assertThat(route.candidates().getFirst().name()).isEqualTo("R1");
    assertThat(Route.originForm("http://example.com")).isEqualTo("/");
    assertThat(Route.originForm("http://example.com?k=1")).as("a query right after the authority keeps to the query").isEqualTo("/?k=1");
    assertThat(route("http://example.com?r=/rep").toAdmin()).as("a path within the query is not the path").isFalse();
    assertThat(Route.originForm("*")).as("OPTIONS *, the server as a whole").isEqualTo("*");
  }
}
