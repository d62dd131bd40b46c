package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import io.ringlb.core.fleet.FleetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The body of {@code /add} and {@code /rm}: what is taken, and the message for each way it can be wrong. */
class AdminRequestTest {

  @Test
  void countNamesAndWeights() {
    assertThat(AdminRequest.parse("{\"n\": 4, \"hostnames\": [\"S5\", \"S4\"], \"weights\": {\"S5\": 2}}"))
        .isEqualTo(new AdminRequest(4, List.of("S5", "S4"), Map.of("S5", 2)));
  }

  @Test
  void namesAndWeightsMayBeLeftOutOrNull() {
    assertThat(AdminRequest.parse("{\"n\": 2}")).isEqualTo(new AdminRequest(2, List.of(), Map.of()));
    assertThat(AdminRequest.parse("{\"n\": 2, \"hostnames\": null, \"weights\": null}")).isEqualTo(new AdminRequest(2, List.of(), Map.of()));
  }

  @Test
  void aCountOutOfRangeIsTheFleetsToRefuse() {
    // the rules on n (at least 1, at most lb.max-replicas) are the fleet's, one place for the API and the configuration
    assertThat(AdminRequest.parse("{\"n\": 0}").n()).isZero();
    assertThat(AdminRequest.parse("{\"n\": -3}").n()).isEqualTo(-3);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                                        | The request body is empty
      '   '                                     | The request body is empty
      '{"n": 2'                                 | Malformed JSON at line 1
      '[1, 2]'                                  | must be a JSON object
      '"two"'                                   | must be a JSON object
      '{}'                                      | 'n' is missing
      '{"n": null}'                             | 'n' is missing
      '{"n": "2"}'                              | 'n' must be an integer, was "2"
      '{"n": 1.5}'                              | 'n' must be an integer, was 1.5
      '{"n": 99999999999}'                      | 'n' must be an integer, was 99999999999
      '{"n": 1, "hostnames": "S5"}'             | 'hostnames' must be a list of strings, was "S5"
      '{"n": 1, "hostnames": ["S5", 7]}'        | 'hostnames' must be a list of strings, but contains 7
      '{"n": 1, "weights": [2]}'                | 'weights' must be an object of hostnames to integers
      '{"n": 1, "weights": {"S5": "heavy"}}'    | The weight of 'S5' must be an integer, was "heavy"
      '{"n": 1, "weights": {"S5": 2.5}}'        | The weight of 'S5' must be an integer, was 2.5
      """)
  void eachWayABodyCanBeWrongHasItsOwnMessage(String body, String message) {
    assertThatThrownBy(() -> AdminRequest.parse(body))
        .isInstanceOfSatisfying(ApiException.class, refused -> assertThat(refused.status()).isEqualTo(Response.Status.BAD_REQUEST))
        .hasMessageContaining(message);
  }

  @Test
  void aWeightPastAnIntIsRefusedInTheFleetsWords() {
    // the same message as a weight of 1001: RequestRules, which the fleet and the configuration use too, says it (a 400 by ErrorMapper)
    assertThatThrownBy(() -> AdminRequest.parse("{\"n\": 1, \"weights\": {\"S5\": 99999999999}}"))
        .isInstanceOfSatisfying(FleetException.class, refused -> assertThat(refused.reason()).isEqualTo(FleetException.Reason.INVALID_REQUEST))
        .hasMessage("The weight of 'S5' must be an integer from 1 to 1000, was 99999999999");
  }
}
