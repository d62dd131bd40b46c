package io.ringlb.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The outside programs the comparison runs: each must be installed, or the comparison says which is missing. */
final class Tools {

  /** What Debian calls the packages, for the message when one is missing. */
  static final String INSTALL = "apt-get install haproxy nginx-light wrk";

  private Tools() {}

  /** {@code name} as found on the PATH, or in {@code /usr/sbin}, where Debian puts the servers but a user's PATH may not reach. */
  static String executable(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String folder : (path + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, name))) {
        return Path.of(folder, name).toString();
      }
    }
    return name;
  }

  /** The first line {@code command} prints, standard error included: how these tools tell their version. */
  static String firstLine(String... command) {
    try {
      List<String> resolved = new ArrayList<>(List.of(command));
      resolved.set(0, executable(command[0]));
      Process process = new ProcessBuilder(resolved).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      return output.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new IllegalStateException("'" + command[0] + "' is not installed: " + INSTALL, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
