package io.ringlb.spi;

/**
 * What every plugin factory says about itself, so that a {@link PluginRegistry} can choose
 * among the ones on the class path. Kept cheap: a registry instantiates every plugin it finds,
 * so constructors must not do real work.
 */
public interface Plugin {

  /**
   * The name configuration selects this plugin by: lower case letters, digits and hyphens,
   * starting with a letter, such as {@code ring} or {@code docker}. Fixed for the plugin's life.
   */
  String name();

  /**
   * 0 to 10; when two plugins share a name, the higher priority wins, and {@link
   * PluginRegistry#best()} picks the available plugin of highest priority.
   */
  default int priority() {
    return 5;
  }

  /** Whether the plugin can work here and now, e.g. whether a Docker engine answers. */
  default boolean isAvailable() {
    return true;
  }
}
