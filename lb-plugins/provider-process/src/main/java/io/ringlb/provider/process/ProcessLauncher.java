package io.ringlb.provider.process;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs each replica as {@code java -jar <wlp>/bin/tools/ws-server.jar <server>}: one Liberty
 * install and one server configuration shared by all, each replica with its own output
 * directory ({@code WLP_OUTPUT_DIR}), port and {@code SERVER_ID}. A start names a
 * {@link Spares spare} started ahead when there is one, and starts a server otherwise.
 *
 * <p>Each replica leaves a state file in the work directory, {@code <name>.replica}, with its
 * process and its slot: the output directory it runs in ({@code <name>} for a replica started as
 * itself, {@code spare_<k>} for a named spare), which its command line also carries as {@code
 * -Dringlb.replica=<slot>}. A balancer restarted after a crash reads the files, checks the
 * processes are still those replicas, and adopts them instead of starting duplicates.
 */
final class ProcessLauncher implements ReplicaLauncher {

  private static final System.Logger LOG = System.getLogger(ProcessLauncher.class.getName());

  /** The environment variables the replica's server.xml takes its HTTP port and host from. */
  static final String PORT_VARIABLE = "HTTP_PORT";
  static final String HOST_VARIABLE = "HTTP_HOST";
  static final String MARKER = "-Dringlb.replica=";
  private static final java.util.Set<String> INHERITED_LIBERTY_VARIABLES =
      java.util.Set.of("LOG_DIR", "LOG_FILE", "PID_DIR", "PID_FILE", "SERVER_WORKING_DIR", "JVM_ARGS", "WLP_DEBUG_ADDRESS", "INVOKED");
  private static final long STOP_GRACE_SECONDS = 10;

  private final ProcessSettings settings;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final AotCache aotCache;
  private final Spares spares;
  private final ReplicaPorts ports;

  private record Running(Replica replica, ProcessHandle process, String slot) {}

  ProcessLauncher(ProcessSettings settings) {
    this.settings = settings;
    try {
      Files.createDirectories(settings.workDir());
      this.ports = ReplicaPorts.on(InetAddress.getByName(settings.host()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + settings.workDir() + " or find " + settings.host(), e);
    }
    adoptSurvivors();
    this.aotCache = new AotCache(settings, this);
    this.spares = new Spares(settings, this);
    spares.adoptSurvivors(running.values().stream().map(r -> r.process().pid()).collect(Collectors.toSet()));
    // spares wait for the cache, so they start from it and do not slow its training
    aotCache.trainIfMissing(spares::open);
  }

  @Override
  public Replica start(ReplicaSpec spec) {
    try {
      Optional<Replica> spare = spares.take(spec, taken -> register(spec, taken.slot(), taken.port(), taken.process()));
      spares.refillLater(); // behind the one taken, or in place of one lost
      if (spare.isPresent()) {
        return spare.get();
      }
      int port = freePort();
      Process process = spawn(spec.name(), port, Map.of("SERVER_ID", spec.name()));
      return register(spec, spec.name(), port, process.toHandle());
    } catch (IOException | UncheckedIOException e) {
      throw new ReplicaLaunchException("cannot start replica " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  /** Records a started process as the replica {@code spec}, in memory and in its state file. */
  private Replica register(ReplicaSpec spec, String slot, int port, ProcessHandle process) {
    Replica replica = new Replica(spec.name(), spec.id(), settings.host(), port);
    try {
      ReplicaState.write(stateFile(spec.name()), new ReplicaState(process.pid(), spec.id(), port, slot));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    running.put(spec.name(), new Running(replica, process, slot));
    return replica;
  }

  /** A replica server in {@code slot}, from the AOT cache when there is one. */
  Process spawn(String slot, int port, Map<String, String> identity) throws IOException {
    return spawn(slot, port, aotCache.use(), identity);
  }

  /**
   * Starts the replica server on {@code port}, in {@code slot}: its output directory under the
   * work directory, also its command line's marker. {@code identity} is the environment that
   * tells it who it is: {@code SERVER_ID}, or for a spare where its name will be written.
   */
  Process spawn(String slot, int port, List<String> extraOptions, Map<String, String> identity) throws IOException {
    Path outputDir = settings.workDir().resolve(slot);
    List<String> command = new ArrayList<>();
    command.add(settings.java().toString());
    command.addAll(settings.jvmOptions());
    command.addAll(extraOptions);
    command.addAll(launchOptions());
    command.add(MARKER + slot);
    command.add("-jar");
    command.add(settings.wlpDir().resolve("bin/tools/ws-server.jar").toString());
    command.add(settings.server());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    // a balancer started by bin/server exports where its own logs and pid go; a replica must not follow
    env.keySet().removeIf(variable -> INHERITED_LIBERTY_VARIABLES.contains(variable) || variable.startsWith("X_"));
    env.remove("SERVER_ID");
    env.put("WLP_USER_DIR", settings.userDir().toString());
    env.put("WLP_OUTPUT_DIR", outputDir.toString());
    env.put(PORT_VARIABLE, Integer.toString(port));
    env.put(HOST_VARIABLE, settings.host());
    env.putAll(identity);
    Files.createDirectories(outputDir);
    Path log = outputDir.resolve("console.log");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return builder.start();
  }

  @Override
  public void stop(Replica replica) {
    end(replica, true);
  }

  /** SIGKILL: a stopped or deadlocked process would never act on the SIGTERM of a graceful stop. */
  @Override
  public void kill(Replica replica) {
    end(replica, false);
  }

  /** Ends the replica's process, {@code gracefully} with SIGTERM first, and forgets it. */
  private void end(Replica replica, boolean gracefully) {
    Running found = running.get(replica.name());
    if (found == null || !found.replica().equals(replica)) {
      return;
    }
    ProcessHandle process = found.process();
    boolean killed = !gracefully;
    if (gracefully) {
      process.destroy(); // SIGTERM: Liberty stops its applications and exits
    } else {
      process.destroyForcibly();
    }
    try {
      process.onExit().get(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception notInTime) {
      LOG.log(Level.WARNING, "Replica {0} did not end within {1} s; killing it", replica.name(), STOP_GRACE_SECONDS);
      process.destroyForcibly();
      killed = true;
    }
    if (killed) {
      forgetWorkarea(found.slot());
    }
    running.remove(replica.name(), found);
    try {
      Files.deleteIfExists(stateFile(replica.name()));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot delete the state file of " + replica.name(), e);
    }
  }

  /**
   * A server ended by SIGKILL may have been writing its workarea (its bundle and application
   * caches), and a server started on a half-written one was seen to hang before it listened. The
   * next server in the slot starts without one: a second slower, never stuck.
   */
  private void forgetWorkarea(String slot) {
    Path workarea = settings.workDir().resolve(slot).resolve(settings.server()).resolve("workarea");
    try (Stream<Path> files = Files.walk(workarea)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (NoSuchFileException gone) {
      // none to forget
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot delete the workarea of " + slot + "; its next server may not start", e);
    }
  }

  /** Whether its process is stopped (state {@code T}: SIGSTOP), as {@code /proc/<pid>/stat} says; false where there is no {@code /proc}. */
  @Override
  public boolean stopped(Replica replica) {
    Running found = running.get(replica.name());
    if (found == null || !found.replica().equals(replica)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(found.process().pid()), "stat"));
      // pid (command) state ...: the command may hold spaces and parentheses, the state follows the last ')'
      int end = stat.lastIndexOf(')');
      char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
      return state == 'T' || state == 't';
    } catch (IOException | UncheckedIOException notLinux) {
      return false;
    }
  }

  @Override
  public List<Replica> list() {
    running.values().removeIf(entry -> !entry.process().isAlive());
    return running.values().stream().map(Running::replica).toList();
  }

  /**
   * What Liberty's {@code bin/server} script adds to the command line, which launching {@code
   * ws-server.jar} directly must add itself: the module openings for the running JDK, and the
   * agent that weaves Liberty's monitoring.
   */
  private List<String> launchOptions() {
    Path platform = settings.wlpDir().resolve("lib/platform/java");
    Path opens = platform.resolve(Runtime.version().feature() >= 24 ? "java24.options" : "java9.options");
    List<String> options = new ArrayList<>();
    if (Files.isRegularFile(opens)) {
      options.add("@" + opens);
    }
    options.add("-javaagent:" + settings.wlpDir().resolve("bin/tools/ws-javaagent.jar"));
    options.add("-Djava.awt.headless=true");
    options.add("-Djdk.attach.allowAttachSelf=true");
    return options;
  }

  /** The slots replicas run in now. */
  Set<String> slots() {
    return running.values().stream().map(Running::slot).collect(Collectors.toSet());
  }

  /** Replicas outlive the launcher only if the fleet chose not to stop them; a training run and spares do not. */
  @Override
  public void close() {
    aotCache.close();
    spares.close();
  }

  private void adoptSurvivors() {
    try (Stream<Path> files = Files.list(settings.workDir())) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(ReplicaState.SUFFIX)).toList()) {
        String name = file.getFileName().toString().replace(ReplicaState.SUFFIX, "");
        Optional<ReplicaState> state = ReplicaState.read(file);
        Optional<ProcessHandle> process = state.flatMap(s -> ProcessHandle.of(s.pid())).filter(p -> isReplica(p, state.get().slot()));
        if (state.isPresent() && process.isPresent()) {
          running.put(name, new Running(new Replica(name, state.get().id(), settings.host(), state.get().port()), process.get(), state.get().slot()));
          LOG.log(Level.INFO, "Found replica {0} still running as process {1,number,#}", name, state.get().pid());
        } else {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot look for replicas left running in " + settings.workDir(), e);
    }
  }

  /** A pid may have been reused since: only a process carrying the slot's marker is it. */
  static boolean isReplica(ProcessHandle process, String slot) {
    return process.isAlive()
        && process.info().arguments().map(args -> List.of(args).contains(MARKER + slot)).orElse(false);
  }

  private Path stateFile(String name) {
    return settings.workDir().resolve(name + ReplicaState.SUFFIX);
  }

  /** A port no one listens on now, where another process is unlikely to take it before the replica binds it ({@link ReplicaPorts}). */
  int freePort() {
    try {
      return ports.free();
    } catch (IOException e) {
      throw new ReplicaLaunchException("no free port on " + settings.host(), e);
    }
  }

}
