package io.ringlb.analysis;

import java.io.IOException;
import java.util.List;

/** Kills a replica the way its provider runs it: a local process, or a container. */
final class Kill {

  private Kill() {}

  /** SIGKILL to the replica's process, or {@code docker kill} of its container; says which. */
  static String replica(String name) {
    var process = ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains("-Dringlb.replica=" + name)).orElse(false))
        .findFirst();
    if (process.isPresent()) {
      process.get().destroyForcibly();
      return "SIGKILL to process " + process.get().pid();
    }
    try {
      Process kill = new ProcessBuilder("docker", "kill", name).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes()).strip();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("no process of replica " + name + ", and docker kill failed: " + output);
      }
      return "docker kill";
    } catch (IOException e) {
      throw new IllegalStateException("no process of replica " + name + ", and no docker command", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
