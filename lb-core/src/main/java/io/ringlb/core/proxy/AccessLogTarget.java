package io.ringlb.core.proxy;

import java.nio.file.Path;
import java.util.Objects;

/** Where the access log goes ({@code lb.access-log}): the process's standard output, or a file appended to. */
public sealed interface AccessLogTarget {

  /** The process's standard output, bypassing {@code System.out} (which a server such as Liberty redirects into its own log). */
  record Stdout() implements AccessLogTarget {
    @Override
    public String toString() {
      return "stdout";
    }
  }

  /** A file, created if missing and appended to. */
  record File(Path path) implements AccessLogTarget {
    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }
}
