package io.ringlb.provider.process;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.PluginConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the replica server lives and how to run it, from {@code lb.provider.process.*}.
 *
 * @param wlpDir the Liberty install to run replicas with; by default the balancer's own
 * @param userDir the Liberty user directory holding {@code servers/<server>}
 * @param server the name of the replica's Liberty server
 * @param workDir where each replica gets its output directory, log and state file
 * @param host the loopback address replicas listen on
 * @param java the java launcher
 * @param jvmOptions options for each replica's JVM
 * @param aotCache whether replicas start from an AOT cache made once (JDK 25 and later)
 * @param spares how many replica processes are kept started ahead, each named by the start that takes it
 */
public record ProcessSettings(Path wlpDir, Path userDir, String server, Path workDir, String host, Path java, List<String> jvmOptions,
    boolean aotCache, int spares) {

  /**
   * A small heap and the serial collector: a replica answers tiny requests, and several share
   * the machine. Both compilers: a replica that dies is replaced by a spare already started, so
   * start-up speed matters less than throughput, which the client compiler alone cuts to about a
   * third (README, "Healing").
   */
  static final String DEFAULT_JVM_OPTIONS = "-Xmx192m -XX:+UseSerialGC";

  static ProcessSettings from(PluginConfig config) {
    Path wlpDir = existingDirectory(config, "wlp-dir", System.getProperty("wlp.install.dir"));
    Path userDir = existingDirectory(config, "user-dir", defaultUserDir());
    String server = config.string("server", "replica");
    if (!Files.isRegularFile(userDir.resolve("servers").resolve(server).resolve("server.xml"))) {
      throw new InvalidConfigException(config.key("server"), "no servers/" + server + "/server.xml under " + userDir);
    }
    Path workDir = Path.of(config.string("work-dir", defaultWorkDir()));
    Path java = Path.of(config.string("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (!Files.isExecutable(java)) {
      throw new InvalidConfigException(config.key("java"), java + " is not an executable java launcher");
    }
    List<String> options = Arrays.stream(config.string("jvm-options", DEFAULT_JVM_OPTIONS).split("\\s+")).filter(o -> !o.isEmpty()).toList();
    boolean aotCache = switch (config.string("aot-cache", "true").toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidConfigException(config.key("aot-cache"), "'" + config.string("aot-cache", "") + "' is not accepted (accepted: true, false)");
    };
    int spares = config.integer("spares", 1, 0, 16);
    return new ProcessSettings(wlpDir, userDir, server, workDir, config.string("host", "127.0.0.1"), java, options, aotCache, spares);
  }

  /** The balancer's build puts the replica server beside its own configuration. */
  private static String defaultUserDir() {
    String configDir = System.getProperty("server.config.dir");
    return configDir == null ? null : Path.of(configDir, "replica-usr").toString();
  }

  /** Under the balancer's own output directory, so a restarted balancer finds its replicas' state. */
  private static String defaultWorkDir() {
    String outputDir = System.getProperty("server.output.dir");
    return Path.of(outputDir != null ? outputDir : System.getProperty("java.io.tmpdir"), "ringlb-replicas").toString();
  }

  private static Path existingDirectory(PluginConfig config, String setting, String fallback) {
    String value = config.string(setting).orElse(fallback);
    if (value == null) {
      throw new InvalidConfigException(config.key(setting), "is not set, and there is no default outside a Liberty server");
    }
    Path path = Path.of(value);
    if (!Files.isDirectory(path)) {
      throw new InvalidConfigException(config.key(setting), path + " is not a directory");
    }
    return path;
  }
}
