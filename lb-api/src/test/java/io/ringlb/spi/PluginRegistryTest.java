package io.ringlb.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

  /** A strategy that builds nothing: the registry only looks at names and priorities. */
  public static class Named implements HashStrategyProvider {
    private final String name;
    private final int priority;
    private final boolean available;

    public Named() {
      this("found-by-service-loader", 5, true);
    }

    Named(String name, int priority, boolean available) {
      this.name = name;
      this.priority = priority;
      this.available = available;
    }

    @Override public String name() { return name; }
    @Override public int priority() { return priority; }
    @Override public boolean isAvailable() { return available; }
    @Override public HashRing create(PluginConfig config) { throw new UnsupportedOperationException(); }
  }

  @Test
  void selectsByNameAndListsTheAvailableOnesWhenTheNameIsUnknown() {
    PluginRegistry<HashStrategyProvider> registry =
        PluginRegistry.of(HashStrategyProvider.class, List.of(new Named("ring", 5, true), new Named("classic", 5, true)));

    assertThat(registry.select("ring").name()).isEqualTo("ring");
    assertThat(registry.names()).containsExactly("classic", "ring");
    assertThatThrownBy(() -> registry.select("rnig"))
        .isInstanceOf(UnknownPluginException.class)
        .hasMessage("no HashStrategyProvider named 'rnig' (available: classic, ring)");
  }

  @Test
  void keepsTheHigherPriorityOfTwoPluginsWithOneName() {
    Named low = new Named("ring", 3, true);
    Named high = new Named("ring", 8, true);

    assertThat(PluginRegistry.of(HashStrategyProvider.class, List.of(low, high)).select("ring")).isSameAs(high);
    assertThat(PluginRegistry.of(HashStrategyProvider.class, List.of(high, low)).select("ring")).isSameAs(high);
  }

  @Test
  void bestIsTheAvailablePluginOfHighestPriority() {
    PluginRegistry<HashStrategyProvider> registry =
        PluginRegistry.of(
            HashStrategyProvider.class,
            List.of(new Named("docker", 9, false), new Named("process", 4, true), new Named("other", 2, true)));

    assertThat(registry.best()).map(Plugin::name).hasValue("process");
    assertThat(PluginRegistry.of(HashStrategyProvider.class, List.of()).best()).isEmpty();
  }

  @Test
  void skipsPluginsWithBadNamesOrPriorities() {
    PluginRegistry<HashStrategyProvider> registry =
        PluginRegistry.of(
            HashStrategyProvider.class,
            List.of(new Named("Ring", 5, true), new Named("a b", 5, true), new Named("ok", 11, true), new Named("fine-1", 0, true)));

    assertThat(registry.names()).containsExactly("fine-1");
  }

  @Test
  void findsPluginsWithServiceLoaderAndSkipsABrokenEntry(@TempDir Path jar) throws IOException {
    Path services = Files.createDirectories(jar.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(HashStrategyProvider.class.getName()),
        "com.example.DoesNotExist\n" + Named.class.getName() + "\n");

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      PluginRegistry<HashStrategyProvider> registry = PluginRegistry.load(HashStrategyProvider.class, loader);

      assertThat(registry.names()).containsExactly("found-by-service-loader");
    }
  }
}
