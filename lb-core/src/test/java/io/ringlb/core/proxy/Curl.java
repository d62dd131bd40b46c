package io.ringlb.core.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The curl the machine has, as an outside client: its output, with {@code -w} appended. Fails loudly when curl is missing. */
final class Curl {

  private Curl() {}

  /** Runs {@code curl -sS} with {@code arguments}; answers what it printed, and fails when it exits with an error. */
  static String run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(arguments));
    Process curl;
    try {
      curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException missing) {
      throw new IllegalStateException("curl is needed for this test (apt-get install curl): " + missing.getMessage(), missing);
    }
    String printed = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!curl.waitFor(30, TimeUnit.SECONDS) || curl.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + printed);
    }
    return printed;
  }
}
