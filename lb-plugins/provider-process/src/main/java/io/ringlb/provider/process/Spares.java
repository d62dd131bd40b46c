package io.ringlb.provider.process;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Replica processes started ahead of need, so a replica that dies is replaced by a server already
 * up: a start names a spare instead of waiting seconds for a JVM and Liberty on busy cores.
 *
 * <p>A spare is the replica server without a {@code SERVER_ID}. It is not ready, and answers as
 * no replica, until the launcher writes a name to the file it was told to watch. Each runs in a
 * slot of its own under the work directory ({@code spare_1}, {@code spare_2}, ..., names no
 * replica can have), reused once free so its Liberty workarea is warm, and leaves a state file
 * there so a restarted balancer takes its spares over instead of leaving them running.
 */
final class Spares implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Spares.class.getName());
  static final String SUFFIX = ".spare";
  private static final String SLOT_PREFIX = "spare_";
  /** The environment variable for MicroProfile Config's {@code replica.name-file} in the replica. */
  private static final String NAME_FILE_VARIABLE = "REPLICA_NAME_FILE";

  /** A spare server: its slot (directory and marker), port and process. */
  record Spare(String slot, int port, ProcessHandle process) {}

  private final ProcessSettings settings;
  private final ProcessLauncher launcher;
  private final ArrayDeque<Spare> ready = new ArrayDeque<>();
  private boolean open;
  private boolean closed;

  Spares(ProcessSettings settings, ProcessLauncher launcher) {
    this.settings = settings;
    this.launcher = launcher;
  }

  /** Whether {@code slot} is a spare's slot, which no replica's name can be. */
  static boolean isSpareSlot(String slot) {
    return slot.startsWith(SLOT_PREFIX);
  }

  /**
   * Names the oldest live spare {@code spec.name()} and has {@code register} record it as that
   * replica, before its slot could be handed out again; the replica, or empty without a spare.
   */
  synchronized Optional<Replica> take(ReplicaSpec spec, Function<Spare, Replica> register) throws IOException {
    for (Spare spare; (spare = ready.pollFirst()) != null; ) {
      if (!spare.process().isAlive()) {
        Files.deleteIfExists(stateFile(spare.slot()));
        continue;
      }
      Replica replica;
      try {
        writeName(spare.slot(), spec.name());
        replica = register.apply(spare);
      } catch (IOException | RuntimeException e) {
        spare.process().destroy(); // named perhaps, recorded nowhere: it must not run on as nobody's
        Files.deleteIfExists(stateFile(spare.slot()));
        throw e;
      }
      try {
        Files.deleteIfExists(stateFile(spare.slot()));
      } catch (IOException e) {
        // the spare is the replica now; a restarted balancer sees its pid among the replicas' and drops this file
        LOG.log(Level.WARNING, "Cannot delete the state file of " + spare.slot(), e);
      }
      LOG.log(Level.INFO, "Replica {0} is spare {1}, started ahead (process {2,number,#})", spec.name(), spare.slot(), spare.process().pid());
      return Optional.of(replica);
    }
    return Optional.empty();
  }

  /** Starts spares until there are as many as wanted, from now on: once the AOT cache exists, so they start from it. */
  synchronized void open() {
    open = true;
    refill();
  }

  /** {@link #open()}'s refill, off the caller's thread. */
  void refillLater() {
    if (settings.spares() > 0) {
      Thread.ofVirtual().name("ringlb-spares").start(this::refill);
    }
  }

  private synchronized void refill() {
    ready.removeIf(spare -> !spare.process().isAlive());
    while (open && !closed && ready.size() < settings.spares()) {
      String slot = freeSlot();
      int port = launcher.freePort();
      Process process = null;
      try {
        Files.deleteIfExists(nameFile(slot)); // a name left from the slot's last spare is not this one's
        process = launcher.spawn(slot, port, Map.of(NAME_FILE_VARIABLE, nameFile(slot).toString()));
        ReplicaState.write(stateFile(slot), new ReplicaState(process.pid(), 0, port, slot));
        Spare spare = new Spare(slot, port, process.toHandle());
        ready.addLast(spare);
        // a spare that dies unused (the OOM killer, say) is replaced, or healing would quietly take seconds again
        spare.process().onExit().thenRun(this::refillLater);
        LOG.log(Level.DEBUG, "Started spare {0} on port {1,number,#}", slot, port);
      } catch (IOException | RuntimeException e) {
        if (process != null) {
          process.destroy(); // recorded nowhere, it would run on as nobody's
        }
        LOG.log(Level.WARNING, "Cannot start a spare replica; replicas start from scratch until the next start tries again", e);
        return;
      }
    }
  }

  /** Takes over the spares a balancer before this one left running, unless one was being named; stops those. */
  synchronized void adoptSurvivors(Set<Long> replicaPids) {
    try (Stream<Path> files = Files.list(settings.workDir())) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
        Optional<ReplicaState> state = ReplicaState.read(file);
        Optional<ProcessHandle> process = state.flatMap(s -> ProcessHandle.of(s.pid())).filter(p -> ProcessLauncher.isReplica(p, state.get().slot()));
        if (process.isPresent() && !replicaPids.contains(process.get().pid())) {
          if (Files.exists(nameFile(state.get().slot())) || ready.size() >= settings.spares()) {
            process.get().destroy(); // named already, as the last balancer stopped: which replica it became is not known
          } else {
            ready.addLast(new Spare(state.get().slot(), state.get().port(), process.get()));
            LOG.log(Level.INFO, "Found spare {0} still running as process {1,number,#}", state.get().slot(), process.get().pid());
            continue;
          }
        }
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot look for spares left running in " + settings.workDir(), e);
    }
  }

  private String freeSlot() {
    Set<String> taken = new HashSet<>(launcher.slots());
    ready.forEach(spare -> taken.add(spare.slot()));
    for (int k = 1; ; k++) {
      if (!taken.contains(SLOT_PREFIX + k)) {
        return SLOT_PREFIX + k;
      }
    }
  }

  /** Written beside and moved into place, so the spare never reads half a name. */
  private void writeName(String slot, String name) throws IOException {
    Path file = nameFile(slot);
    Path partial = file.resolveSibling("name.tmp");
    Files.writeString(partial, name);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path nameFile(String slot) {
    return settings.workDir().resolve(slot).resolve("name");
  }

  private Path stateFile(String slot) {
    return settings.workDir().resolve(slot + SUFFIX);
  }

  /** Spares are the launcher's own: they stop with it. */
  @Override
  public void close() {
    List<Spare> left;
    synchronized (this) {
      closed = true;
      left = List.copyOf(ready);
      ready.clear();
    }
    left.forEach(spare -> spare.process().destroy());
    for (Spare spare : left) {
      try {
        spare.process().onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception notInTime) {
        spare.process().destroyForcibly();
      }
      try {
        Files.deleteIfExists(stateFile(spare.slot()));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "Cannot delete the state file of " + spare.slot(), e);
      }
    }
  }
}
