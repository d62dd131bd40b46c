package io.ringlb.analysis;

import java.io.PrintStream;

/** One line per step on the terminal, so a long run is never silent. */
final class Progress {

  private final PrintStream out;
  private final String mode;
  private final long started = System.nanoTime();

  Progress(PrintStream out, String mode) {
    this.out = out;
    this.mode = mode;
  }

  void step(String format, Object... args) {
    out.printf("[%s %5.1f s] %s%n", mode, (System.nanoTime() - started) / 1e9, String.format(format, args));
  }
}
