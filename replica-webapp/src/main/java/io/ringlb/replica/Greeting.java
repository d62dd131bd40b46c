package io.ringlb.replica;

/** The body of {@code GET /home}. */
public record Greeting(String message, String status) {

  static Greeting from(String serverId) {
    return new Greeting("Hello from Server: " + serverId, "successful");
  }

  /** What a spare answers before its balancer has named it. */
  static Greeting unnamed() {
    return new Greeting("<Error> This replica is a spare and has no name yet", "failure");
  }
}
