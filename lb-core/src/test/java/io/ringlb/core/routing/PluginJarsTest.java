package io.ringlb.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.HashRing;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ModuloRing;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginJarsTest {

  /** The strategy the dropped jar declares. */
  public static final class Dropped implements HashStrategyProvider {
    @Override public String name() { return "dropped"; }
    @Override public HashRing create(PluginConfig config) { return new ModuloRing(ReplicaSet.empty()); }
  }

  @Test
  void aJarDroppedInTheDirectoryIsFoundAndSelectedByName(@TempDir Path plugins) throws IOException {
    try (OutputStream file = Files.newOutputStream(plugins.resolve("my-strategy.jar"));
        JarOutputStream jar = new JarOutputStream(file)) {
      jar.putNextEntry(new JarEntry("META-INF/services/" + HashStrategyProvider.class.getName()));
      jar.write((Dropped.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    Files.writeString(plugins.resolve("notes.txt"), "not a jar");

    ClassLoader loader = PluginJars.loader(plugins, getClass().getClassLoader());
    PluginRegistry<HashStrategyProvider> registry = PluginRegistry.load(HashStrategyProvider.class, loader);

    assertThat(registry.names()).contains("dropped");
    assertThat(HashStrategies.emptyRing(registry, Map.of("lb.strategy", "dropped"))).isInstanceOf(ModuloRing.class);
  }

  @Test
  void noDirectoryOrNoJarLeavesTheApplicationsLoader(@TempDir Path empty) {
    ClassLoader parent = getClass().getClassLoader();

    assertThat(PluginJars.loader(empty.resolve("missing"), parent)).isSameAs(parent);
    assertThat(PluginJars.loader(empty, parent)).isSameAs(parent);
  }
}
