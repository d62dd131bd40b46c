package io.ringlb.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The docker and compose command lines, as a user types them. */
final class Docker {

  private Docker() {}

  record Result(int exit, String output) {}

  static Result run(Map<String, String> environment, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(process.exitValue(), output.strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code docker <args>} and answers its output; a failure fails the test with the output. */
  static String docker(String... args) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Result result = run(Map.of(), command);
    if (result.exit() != 0) {
      throw new AssertionError(command + " failed (" + result.exit() + "): " + result.output());
    }
    return result.output();
  }

  /**
   * {@code docker pause <name>}, again while runc says it was "unable to freeze": the cgroup v2
   * freezer gives up when a task of the container does not reach the frozen state in time, which a
   * busy new machine (Docker in a container) showed once in a run; the container is left running,
   * so pausing again is safe. Any other failure fails the test at once.
   */
  static void pause(String name) {
    List<String> command = List.of("docker", "pause", name);
    for (int attempt = 1; ; attempt++) {
      Result result = run(Map.of(), command);
      if (result.exit() == 0) {
        return;
      }
      if (attempt == 5 || !result.output().contains("unable to freeze")) {
        throw new AssertionError(command + " failed (" + result.exit() + ", attempt " + attempt + "): " + result.output());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** {@code docker compose} (v2) where it exists, else Debian's {@code docker-compose} 1.29. */
  static List<String> compose() {
    return run(Map.of(), List.of("docker", "compose", "version")).exit() == 0 ? List.of("docker", "compose") : List.of("docker-compose");
  }

  /** IDs of the running containers carrying a label, sorted. */
  static List<String> containers(String label) {
    String ids = docker("ps", "-q", "--no-trunc", "--filter", "label=" + label);
    return ids.isEmpty() ? List.of() : ids.lines().sorted().toList();
  }
}
