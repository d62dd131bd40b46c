package io.ringlb.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies of the balancer's API and its replicas, read and written with Jackson: for a
 * program that makes its own HTTP requests (a load generator counting answers per replica) and
 * only needs a body understood.
 */
public final class ApiJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How a replica's {@code /home} message names it. */
  private static final String GREETING = "Hello from Server: ";

  private ApiJson() {}

  /** The replicas of a {@code /rep}, {@code /add} or {@code /rm} answer: {@code {"message": {"N": .., "replicas": [..]}, "status": "successful"}}. */
  public static ReplicaList replicas(String body) {
    JsonNode message = tree(body).path("message");
    if (!message.isObject()) {
      throw new IllegalArgumentException("not a list of replicas: " + cut(body));
    }
    return JSON.convertValue(message, ReplicaList.class);
  }

  /** The message of an answer, {@code {"message": "...", "status": ...}}, when it is text (every failure's is). */
  public static String message(String body) {
    JsonNode message = tree(body).path("message");
    if (!message.isTextual()) {
      throw new IllegalArgumentException("no message text: " + cut(body));
    }
    return message.asText();
  }

  /** The status of an answer: {@code successful} or {@code failure}. */
  public static String status(String body) {
    return tree(body).path("status").asText();
  }

  /**
   * The replica that answered a {@code /home}: {@code S2} of {@code {"message": "Hello from
   * Server: S2", "status": "successful"}}; empty for any other body.
   */
  public static Optional<String> server(String body) {
    JsonNode message;
    try {
      message = JSON.readTree(body).path("message");
    } catch (JsonProcessingException notJson) {
      return Optional.empty();
    }
    String text = message.isTextual() ? message.asText() : "";
    return text.startsWith(GREETING) ? Optional.of(text.substring(GREETING.length())) : Optional.empty();
  }

  /**
   * How many replicas are in the ring, from the balancer's readiness ({@code /health/ready}, MP
   * Health): the {@code inRing} of its {@code ring} check; empty when the body has none.
   */
  public static Optional<Integer> inRing(String body) {
    return Optional.ofNullable(readiness(body).get("inRing")).map(Integer::valueOf);
  }

  /**
   * The data of every check of an MP Health answer ({@code /health/ready}), by name, as text:
   * {@code inRing}, {@code listening} and the like; empty when the body is not such an answer.
   */
  public static Map<String, String> readiness(String body) {
    JsonNode checks;
    try {
      checks = JSON.readTree(body).path("checks");
    } catch (JsonProcessingException notJson) {
      return Map.of();
    }
    Map<String, String> data = new LinkedHashMap<>();
    for (JsonNode check : checks) {
      check.path("data").properties().forEach(entry -> data.put(entry.getKey(), entry.getValue().asText()));
    }
    return data;
  }

  /** The body of an {@code /add} or {@code /rm}: {@code {"n": .., "hostnames": [..]}}, with {@code "weights"} when any is given. */
  public static String change(int n, List<String> hostnames, Map<String, Integer> weights) {
    Map<String, Object> body = weights.isEmpty() ? Map.of("n", n, "hostnames", hostnames) : Map.of("n", n, "hostnames", hostnames, "weights", weights);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode tree(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + cut(body), e);
    }
  }

  private static String cut(String body) {
    return body == null ? "null" : body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
