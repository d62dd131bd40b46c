package io.ringlb.lb;

import io.ringlb.core.fleet.Names;
import io.ringlb.core.fleet.RequestRules;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code /add} and {@code /rm}: {@code {"n": 4, "hostnames": ["S5", "S4"]}}, with
 * {@code hostnames} optional, and for {@code /add} an optional {@code "weights": {"S5": 3}}.
 * Parsed by hand with JSON-P rather than bound with JSON-B, so that each way a body can be wrong
 * gets its own message instead of a generic binding error.
 */
@Schema(description = "How many replicas to add or remove, and which")
public record AdminRequest(
    @Schema(required = true, minimum = "1", description = "How many replicas", examples = "2") int n,
    @Schema(description = "Hostnames for some or all of them: at most n, each a valid hostname, none twice. The rest are generated (/add) or"
        + " picked at random (/rm).") List<String> hostnames,
    @Schema(description = "/add only: a weight from 1 to " + RequestRules.MAX_WEIGHT + " for some of the new replicas, by hostname; 1 for the others")
        Map<String, Integer> weights) {

  static AdminRequest parse(String body) {
    JsonObject object = JsonBody.object(body, "{\"n\": <count>, \"hostnames\": [<names>]}", "{\"n\": 2, \"hostnames\": [\"S5\"]}");
    return new AdminRequest(count(object), hostnames(object), weights(object));
  }

  private static Map<String, Integer> weights(JsonObject object) {
    JsonValue weights = object.get("weights");
    if (weights == null || weights.getValueType() == JsonValue.ValueType.NULL) {
      return Map.of();
    }
    if (weights.getValueType() != JsonValue.ValueType.OBJECT) {
      throw invalid("'weights' must be an object of hostnames to integers, was " + Names.cut(weights.toString()));
    }
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> weight : weights.asJsonObject().entrySet()) {
      if (!(weight.getValue() instanceof JsonNumber number && number.isIntegral())) {
        throw invalid("The weight of " + Names.shown(weight.getKey()) + " must be an integer, was " + Names.cut(weight.getValue().toString()));
      }
      try {
        byName.put(weight.getKey(), number.intValueExact());
      } catch (ArithmeticException tooLarge) {
        RequestRules.checkWeight(weight.getKey(), Long.MAX_VALUE, number.toString()); // refuses it in the words the fleet uses
      }
    }
    return Map.copyOf(byName);
  }

  private static int count(JsonObject object) {
    JsonValue n = object.get("n");
    if (n == null || n.getValueType() == JsonValue.ValueType.NULL) {
      throw invalid("'n' is missing");
    }
    if (n instanceof JsonNumber number && number.isIntegral()) {
      try {
        return number.intValueExact();
      } catch (ArithmeticException tooLarge) {
        // reported below
      }
    }
    throw invalid("'n' must be an integer, was " + Names.cut(n.toString()));
  }

  private static List<String> hostnames(JsonObject object) {
    JsonValue names = object.get("hostnames");
    if (names == null || names.getValueType() == JsonValue.ValueType.NULL) {
      return List.of();
    }
    if (names.getValueType() != JsonValue.ValueType.ARRAY) {
      throw invalid("'hostnames' must be a list of strings, was " + Names.cut(names.toString()));
    }
    List<String> list = new ArrayList<>();
    for (JsonValue name : names.asJsonArray()) {
      if (!(name instanceof JsonString string)) {
        throw invalid("'hostnames' must be a list of strings, but contains " + Names.cut(name.toString()));
      }
      list.add(string.getString());
    }
    return List.copyOf(list);
  }

  private static ApiException invalid(String problem) {
    return new ApiException(Response.Status.BAD_REQUEST, problem);
  }
}
