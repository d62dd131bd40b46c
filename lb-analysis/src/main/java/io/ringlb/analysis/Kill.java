package io.ringlb.analysis;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Kills a replica, or hangs it, the way its provider runs it: a local process, or a container. */
final class Kill {

  private Kill() {}

  /**
   * Stops the replica without ending it: SIGSTOP to its process, or {@code docker pause} of its
   * container. Its kernel still accepts connections and nothing answers them, as with a process
   * stuck in a long pause or a deadlock; says which.
   */
  static String hang(String name, Path replicasDir) {
    Optional<ProcessHandle> process = processOf(name, replicasDir);
    if (process.isPresent()) {
      command("kill", "-STOP", Long.toString(process.get().pid()));
      return "SIGSTOP to process " + process.get().pid();
    }
    command("docker", "pause", name);
    return "docker pause";
  }

  private static void command(String... command) {
    try {
      Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(run.getInputStream().readAllBytes()).strip();
      if (run.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * SIGKILL to the replica's process, found by the state file the process provider keeps for it
   * in {@code replicasDir}, or {@code docker kill} of its container; says which.
   */
  static String replica(String name, Path replicasDir) {
    Optional<ProcessHandle> process = processOf(name, replicasDir);
    if (process.isPresent()) {
      process.get().destroyForcibly();
      return "SIGKILL to process " + process.get().pid();
    }
    try {
      Process kill = new ProcessBuilder("docker", "kill", name).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes()).strip();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("no process of replica " + name + " in " + replicasDir + ", and docker kill failed: " + output);
      }
      return "docker kill";
    } catch (IOException e) {
      throw new IllegalStateException("no process of replica " + name + " in " + replicasDir + ", and no docker command", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The live process {@code <name>.replica} names, if it still carries the marker of the slot the
   * file gives: a pid may have been reused since.
   */
  static Optional<ProcessHandle> processOf(String name, Path replicasDir) {
    Properties state = new Properties();
    try (Reader in = Files.newBufferedReader(replicasDir.resolve(name + ".replica"))) {
      state.load(in);
    } catch (IOException none) {
      return Optional.empty();
    }
    String marker = "-Dringlb.replica=" + state.getProperty("slot");
    return ProcessHandle.of(Long.parseLong(state.getProperty("pid")))
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false));
  }
}
