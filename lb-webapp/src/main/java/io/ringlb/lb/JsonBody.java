package io.ringlb.lb;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;

/** A call's body read as the JSON object it must be, or refused with a 400 that says what is wrong with it. */
final class JsonBody {

  private JsonBody() {}

  /**
   * @param shape what the call takes, for the message on an empty body: {@code {"n": <count>, "hostnames": [<names>]}}
   * @param example a body the call takes, for the message on one that is no object: {@code {"n": 2, "hostnames": ["S5"]}}
   */
  static JsonObject object(String body, String shape, String example) {
    if (body == null || body.isBlank()) {
      throw invalid("The request body is empty: send " + shape);
    }
    JsonValue value;
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      value = reader.readValue();
    } catch (JsonParsingException e) {
      throw invalid("Malformed JSON at line " + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber());
    } catch (JsonException e) {
      throw invalid("Malformed JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid("The request body must be a JSON object such as " + example);
    }
    return object;
  }

  static ApiException invalid(String problem) {
    return new ApiException(Response.Status.BAD_REQUEST, problem);
  }
}
