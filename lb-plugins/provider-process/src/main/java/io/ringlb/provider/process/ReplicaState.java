package io.ringlb.provider.process;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a restarted balancer needs to adopt a replica process: its pid, id and port, and its slot:
 * the directory under the work directory it runs in, also the marker on its command line.
 */
record ReplicaState(long pid, int id, int port, String slot) {

  static final String SUFFIX = ".replica";

  /** Written beside and then moved over, so a reader never sees half a file. */
  static void write(Path file, ReplicaState state) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("pid", Long.toString(state.pid()));
    properties.setProperty("id", Integer.toString(state.id()));
    properties.setProperty("port", Integer.toString(state.port()));
    properties.setProperty("slot", state.slot());
    Path partial = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(partial)) {
      properties.store(out, "ringlb replica process");
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The file's state; a file from before slots were recorded names a replica run in a directory of its own name. */
  static Optional<ReplicaState> read(Path file) {
    String name = file.getFileName().toString();
    String ownSlot = name.substring(0, name.lastIndexOf('.'));
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
      return Optional.of(new ReplicaState(
          Long.parseLong(properties.getProperty("pid")),
          Integer.parseInt(properties.getProperty("id")),
          Integer.parseInt(properties.getProperty("port")),
          properties.getProperty("slot", ownSlot)));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
