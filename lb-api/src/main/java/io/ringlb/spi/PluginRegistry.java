package io.ringlb.spi;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plugins of one kind, found on the class path with {@link ServiceLoader} and chosen by
 * name. Immutable once loaded.
 *
 * <p>Loading is tolerant: a jar whose plugin cannot be loaded or instantiated is logged and
 * skipped, so one broken jar cannot take the others down. When two plugins share a name, the
 * one of higher {@link Plugin#priority()} wins.
 *
 * @param <P> the kind of plugin, such as {@link HashStrategyProvider}
 */
public final class PluginRegistry<P extends Plugin> {

  private static final System.Logger LOG = System.getLogger(PluginRegistry.class.getName());
  private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Comparator<Plugin> PREFERRED =
      Comparator.comparingInt(Plugin::priority).reversed().thenComparing(Plugin::name);

  private final Class<P> type;
  private final Map<String, P> byName;

  private PluginRegistry(Class<P> type, Map<String, P> byName) {
    this.type = type;
    this.byName = byName;
  }

  /** The plugins of {@code type} that the thread's context class loader (or else the type's) sees. */
  public static <P extends Plugin> PluginRegistry<P> load(Class<P> type) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(type, loader != null ? loader : type.getClassLoader());
  }

  public static <P extends Plugin> PluginRegistry<P> load(Class<P> type, ClassLoader loader) {
    List<P> found = new ArrayList<>();
    Iterator<P> providers = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!providers.hasNext()) {
          break;
        }
        found.add(providers.next());
      } catch (ServiceConfigurationError broken) {
        LOG.log(Level.WARNING, "Skipping a " + type.getSimpleName() + " that cannot be loaded", broken);
      }
    }
    if (found.isEmpty()) {
      LOG.log(Level.WARNING, "No " + type.getSimpleName() + " found on the class path");
    }
    return of(type, found);
  }

  /** A registry of the given plugins, for embedding without a class path scan. */
  public static <P extends Plugin> PluginRegistry<P> of(Class<P> type, Collection<? extends P> plugins) {
    Objects.requireNonNull(type, "type");
    Map<String, P> byName = new TreeMap<>();
    for (P plugin : plugins) {
      String name = plugin.name();
      if (name == null || !VALID_NAME.matcher(name).matches()) {
        LOG.log(Level.WARNING, "Skipping " + plugin.getClass().getName()
            + ": its name '" + name + "' is not lower case letters, digits and hyphens");
        continue;
      }
      int priority = plugin.priority();
      if (priority < 0 || priority > 10) {
        LOG.log(Level.WARNING, "Skipping " + plugin.getClass().getName()
            + ": its priority " + priority + " is outside 0..10");
        continue;
      }
      byName.merge(name, plugin, (kept, other) -> PREFERRED.compare(kept, other) <= 0 ? kept : other);
    }
    return new PluginRegistry<>(type, byName);
  }

  /** The names of every plugin found, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every plugin found, by name. */
  public List<P> all() {
    return List.copyOf(byName.values());
  }

  public Optional<P> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The plugin with this name.
   *
   * @throws UnknownPluginException naming the plugins that are available
   */
  public P select(String name) {
    P plugin = byName.get(name);
    if (plugin == null) {
      throw new UnknownPluginException(type.getSimpleName(), name, names());
    }
    return plugin;
  }

  /** The available plugin of highest priority, for when configuration names none. */
  public Optional<P> best() {
    return byName.values().stream().sorted(PREFERRED).filter(Plugin::isAvailable).findFirst();
  }

  @Override
  public String toString() {
    return type.getSimpleName() + byName.keySet();
  }
}
