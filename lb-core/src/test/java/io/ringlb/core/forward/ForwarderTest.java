package io.ringlb.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.HttpReplicas;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.fleet.Outcome;
import io.ringlb.core.routing.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {

  private final HttpReplicas replicas = new HttpReplicas();
  private Forwarder forwarder;
  private final List<Replica> reported = new CopyOnWriteArrayList<>();
  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    replicas.stopAll();
    if (forwarder != null) {
      forwarder.close();
    }
  }

  private Forwarder forwarderOver(String... names) {
    ReplicaSet set = ReplicaSet.empty();
    for (int i = 0; i < names.length; i++) {
      set = set.with(replicas.start(new ReplicaSpec(names[i], i + 1)));
    }
    forwarder = new Forwarder(new Router(new ModuloRing(set), 3), Duration.ofSeconds(1), Duration.ofSeconds(2), (replica, outcome) -> {
      reported.add(replica);
      outcomes.add(outcome);
    });
    return forwarder;
  }

  private static ForwardRequest get(String path, Map<String, List<String>> headers) {
    return new ForwardRequest("GET", path, headers, new byte[0], "10.1.1.1");
  }

  @Test
  void passesStatusHeadersAndBodyThroughAndAddsXForwardedFor() {
    Forwarder forwarder = forwarderOver("S1", "S2");
    ForwardRequest request =
        new ForwardRequest("POST", "/echo?x=1", Map.of("X-Forwarded-For", List.of("192.0.2.7"), "Connection", List.of("X-Hop"),
            "X-Hop", List.of("dropped"), "Host", List.of("example")), "hello".getBytes(StandardCharsets.UTF_8), "10.1.1.1");

    ForwardedResponse response = forwarder.forward(request, 1);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.replica().name()).isEqualTo("S2");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("POST /echo?x=1 xff=192.0.2.7, 10.1.1.1 hop=null body=hello");
    assertThat(response.headers()).containsEntry("X-Served-By", List.of("S2")).doesNotContainKey("Keep-Alive");
  }

  @Test
  void aReplicaThatCannotBeReachedIsSkippedAndReported() {
    Forwarder forwarder = forwarderOver("S1", "S2", "S3");
    Replica dead = replicas.kill("S1");

    ForwardedResponse response = forwarder.forward(get("/home", Map.of()), 0);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.replica().name()).isEqualTo("S2");
    assertThat(response.attempts()).isEqualTo(2);
    assertThat(reported).containsExactly(dead);
    assertThat(outcomes).containsExactly(Outcome.FAILED);
  }

  @Test
  void aReplicasOwnErrorIsAnAnswerNotAFailure() {
    Forwarder forwarder = forwarderOver("S1", "S2");

    ForwardedResponse response = forwarder.forward(get("/nowhere", Map.of()), 0);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.attempts()).isEqualTo(1);
    assertThat(reported).isEmpty();
  }

  @Test
  void whenEveryCandidateFailsTheFailureSaysWhichWereTried() {
    Forwarder forwarder = forwarderOver("S1", "S2");
    replicas.kill("S1");
    replicas.kill("S2");

    assertThatThrownBy(() -> forwarder.forward(get("/home", Map.of()), 0))
        .isInstanceOf(NoReplicaAvailableException.class)
        .hasMessageStartingWith("No replica answered: tried [S1, S2]");
  }

  @Test
  void anEmptyRingFailsAtOnce() {
    Forwarder forwarder = forwarderOver();

    assertThatThrownBy(() -> forwarder.forward(get("/home", Map.of()), 0))
        .isInstanceOf(NoReplicaAvailableException.class)
        .hasMessage("No replica is in the ring");
  }
}
