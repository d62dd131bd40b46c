package io.ringlb.core.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The plugin jars a user dropped into a directory, as a class loader over the application's
 * own: the registries then find their providers beside the shipped ones, with no rebuild.
 */
public final class PluginJars {

  private PluginJars() {}

  /**
   * A loader over every {@code *.jar} in {@code directory}, in name order, delegating to {@code
   * parent} first; {@code parent} itself when the directory does not exist or holds no jar.
   */
  public static ClassLoader loader(Path directory, ClassLoader parent) {
    if (!Files.isDirectory(directory)) {
      return parent;
    }
    try (Stream<Path> files = Files.list(directory)) {
      URL[] jars = files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().map(PluginJars::url).toArray(URL[]::new);
      return jars.length == 0 ? parent : new URLClassLoader("ringlb-plugins", jars, parent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list plugin jars in " + directory, e);
    }
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(jar.toString(), e);
    }
  }
}
