package io.ringlb.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Debian's {@code wrk}, driven with the comparison's script: a fixed number of connections for a fixed time. */
final class Wrk implements Load {

  private final Path script;
  private final int threads;
  private final int connections;

  /** Unpacks the script into {@code folder}. */
  Wrk(Path folder, int threads, int connections) {
    this.threads = threads;
    this.connections = connections;
    try (InputStream in = Wrk.class.getResourceAsStream("varying-key.lua")) {
      script = folder.resolve("varying-key.lua");
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first line of {@code wrk -v}. */
  static String version() {
    return Tools.firstLine("wrk", "-v");
  }

  /** Loads {@code contender} for {@code duration} and answers what wrk measured. */
  @Override
  public WrkResult load(Contender contender, Duration duration) {
    // wrk deals its connections evenly over its threads; to spread threads over N addresses, it needs N threads
    int runThreads = contender.spread().isEmpty() ? threads : contender.spread().size();
    List<String> command = List.of(Tools.executable("wrk"), "-t" + runThreads, "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s",
        "--timeout", "10s", "-s", script.toString(), contender.url().toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("WRK_SPREAD",
        contender.spread().stream().map(uri -> uri.getHost() + ":" + uri.getPort()).collect(Collectors.joining(",")));
    try {
      Process wrk = builder.start();
      String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = wrk.waitFor();
      return WrkResult.parse(output).filter(result -> exit == 0)
          .orElseThrow(() -> new IllegalStateException("wrk against " + contender.name() + " failed (exit " + exit + "):\n" + output));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run wrk: install it (apt-get install wrk)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
