package io.ringlb.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strategy with its settings, as {@code lb.*} properties: one line of the A-4 comparison.
 *
 * @param label how charts and tables name it
 * @param properties {@code lb.strategy} and its settings
 */
public record Scenario(String label, Map<String, String> properties) {

  public Scenario {
    properties = Map.copyOf(properties);
  }

  static Scenario classic(String label, String requestHash, String serverHash) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("lb.strategy", "classic");
    if (requestHash != null) {
      properties.put("lb.strategy.classic.request-hash", requestHash);
      properties.put("lb.strategy.classic.server-hash", serverHash);
    }
    return new Scenario(label, properties);
  }

  static Scenario strategy(String name) {
    return new Scenario(name, Map.of("lb.strategy", name));
  }

  /**
   * The exercise's functions, three alternatives to them, and the other strategies with their
   * defaults. The alternatives: linear functions; Knuth's multiplicative hash, whose top 9 bits
   * of a 32-bit product pick one of 512 slots; and cubic polynomials.
   */
  static List<Scenario> comparison() {
    return List.of(
        classic("classic (exercise)", null, null),
        classic("classic linear", "31i + 7", "97i + 61j + 3"),
        classic("classic Knuth", "(2654435761i % 4294967296) / 8388608", "(2654435761(16i + j) % 4294967296) / 8388608"),
        classic("classic cubic", "i^3 + 3i^2 + 7i + 11", "i^3 + j^3 + 5*i*j + 13"),
        strategy("ring"),
        strategy("maglev"),
        strategy("rendezvous"));
  }
}
