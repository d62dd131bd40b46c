package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's start outside Liberty, with what Liberty would inject: a start that fails
 * after the replica provider's launcher was made closes that launcher, whose work begun ahead
 * (the process provider's spares and its trained cache are processes) would otherwise outlive the
 * start, and each start Liberty tries again would leave more.
 */
class BalancerLifecycleTest {

  /** {@code lb.provider=watched}: a launcher that starts nothing and records whether it was closed. */
  public static final class WatchedProvider implements ReplicaProvider {

    static final List<WatchedLauncher> MADE = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "watched";
    }

    @Override
    public int priority() {
      return 0; // as static's: never the one auto picks over a provider that runs replicas
    }

    @Override
    public ReplicaLauncher create(PluginConfig config) {
      WatchedLauncher launcher = new WatchedLauncher();
      MADE.add(launcher);
      return launcher;
    }
  }

  static final class WatchedLauncher implements ReplicaLauncher {

    volatile boolean closed;

    @Override
    public Replica start(ReplicaSpec spec) {
      throw new AssertionError("the fleet never started: nothing to start " + spec.name() + " for");
    }

    @Override
    public void stop(Replica replica) {}

    @Override
    public List<Replica> list() {
      return List.of();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** MicroProfile Config over a map, as far as the start reads it. */
  private record MapConfig(Map<String, String> values) implements Config {

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
      assertThat(type).isEqualTo(String.class);
      return Optional.ofNullable((T) values.get(name));
    }

    @Override
    public <T> T getValue(String name, Class<T> type) {
      return getOptionalValue(name, type).orElseThrow();
    }

    @Override
    public ConfigValue getConfigValue(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<String> getPropertyNames() {
      return values.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
      return List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
      return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new IllegalArgumentException(type.getName());
    }
  }

  /** Platform threads, as Liberty's managed factory gives the data plane. */
  private static final class PlatformThreads implements ManagedThreadFactory {

    @Override
    public Thread newThread(Runnable task) {
      return Thread.ofPlatform().daemon().unstarted(task);
    }

    @Override
    public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aStartThatFailsClosesTheLauncherItMade(@TempDir Path directory) {
    WatchedProvider.MADE.clear();
    BalancerLifecycle lifecycle = new BalancerLifecycle();
    lifecycle.config = new MapConfig(Map.of("lb.provider", "watched", "lb.port", "0", "lb.admin.port", "0", "lb.tls.port", "0",
        "lb.tls.certificate", directory.resolve("missing.crt").toString(), "lb.tls.key", directory.resolve("missing.key").toString(),
        "lb.plugins.dir", directory.resolve("plugins").toString()));
    lifecycle.launcher = new FaultTolerantLauncher();
    lifecycle.threads = new PlatformThreads();

    assertThatThrownBy(() -> lifecycle.start(new Object()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("lb.tls.certificate").hasMessageContaining("missing.crt");

    assertThat(WatchedProvider.MADE).singleElement().satisfies(made -> assertThat(made.closed).as("closed").isTrue());
    assertThat(lifecycle.started()).isFalse();
  }
}
