package io.ringlb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

  @Test
  void theReplicasOfAnAnswer() {
    assertThat(ApiJson.replicas("{\"message\": {\"N\": 3, \"replicas\": [\"S1\", \"S2\", \"S10\"]}, \"status\": \"successful\"}"))
        .isEqualTo(new ReplicaList(3, List.of("S1", "S2", "S10")));
    assertThat(ApiJson.replicas("{\"message\":{\"N\":0,\"replicas\":[]},\"status\":\"successful\"}")).isEqualTo(new ReplicaList(0, List.of()));
    assertThatThrownBy(() -> ApiJson.replicas("{\"message\":\"<Error> Hostname 'S9' is already in use\",\"status\":\"failure\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a list of replicas");
  }

  @Test
  void theMessageAndStatusOfAFailure() {
    String body = "{\"message\":\"<Error> 'n' is missing\",\"status\":\"failure\"}";
    assertThat(ApiJson.message(body)).isEqualTo("<Error> 'n' is missing");
    assertThat(ApiJson.status(body)).isEqualTo("failure");
  }

  @Test
  void theServerThatAnswered() {
    assertThat(ApiJson.server("{\"message\":\"Hello from Server: S2\",\"status\":\"successful\"}")).contains("S2");
    assertThat(ApiJson.server("{\"message\":\"Hello from Server: my-replica-7\",\"status\":\"successful\"}")).contains("my-replica-7");
    assertThat(ApiJson.server("{\"message\":\"<Error> No replica is in the ring\",\"status\":\"failure\"}")).isEmpty();
    assertThat(ApiJson.server("<html>bad gateway</html>")).isEmpty();
  }

  @Test
  void howManyAreInTheRing() {
    String ready = "{\"status\":\"UP\",\"checks\":[{\"name\":\"replicas\",\"status\":\"UP\"},"
        + "{\"name\":\"ring\",\"status\":\"UP\",\"data\":{\"inRing\":3,\"strategy\":\"ring\"}}]}";
    assertThat(ApiJson.inRing(ready)).contains(3);
    assertThat(ApiJson.inRing("{\"status\":\"DOWN\",\"checks\":[]}")).isEmpty();
    assertThat(ApiJson.inRing("Service Unavailable")).isEmpty();
    assertThat(ApiJson.readiness(ready)).containsEntry("inRing", "3").containsEntry("strategy", "ring");
  }

  @Test
  void theBodyOfAChange() {
    assertThat(ApiJson.replicas("{\"message\":" + "{\"N\":1,\"replicas\":[\"a\"]}" + "}").n()).isEqualTo(1);
    assertThat(ApiJson.change(2, List.of("S5"), Map.of())).isIn("{\"n\":2,\"hostnames\":[\"S5\"]}", "{\"hostnames\":[\"S5\"],\"n\":2}");
    assertThat(ApiJson.change(1, List.of("S5"), Map.of("S5", 3))).contains("\"weights\":{\"S5\":3}");
  }
}
