package io.ringlb.replica;

/** The body of {@code GET /home}. */
public record Greeting(String message, String status) {

  static Greeting from(String serverId) {
    return new Greeting("Hello from Server: " + serverId, "successful");
  }
}
