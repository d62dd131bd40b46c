package io.ringlb.spi;

import io.ringlb.api.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The settings of one plugin: the properties under its prefix, such as {@code slots} for
 * {@code lb.strategy.classic.slots}. Immutable.
 *
 * <p>The typed getters check the value and throw an {@link InvalidConfigException} that names
 * the full property and the accepted values, so a plugin never parses a string itself.
 */
public final class PluginConfig {

  private final String prefix;
  private final Map<String, String> settings;

  private PluginConfig(String prefix, Map<String, String> settings) {
    this.prefix = prefix;
    this.settings = settings;
  }

  /**
   * The settings of the plugin whose properties start with {@code prefix + "."}.
   *
   * @param properties every property the application has, or just the plugin's; names outside
   *     the prefix are ignored
   */
  public static PluginConfig of(String prefix, Map<String, String> properties) {
    Objects.requireNonNull(prefix, "prefix");
    String start = prefix + ".";
    Map<String, String> own = new TreeMap<>();
    properties.forEach(
        (name, value) -> {
          if (name.startsWith(start) && name.length() > start.length()) {
            own.put(name.substring(start.length()), value.strip());
          }
        });
    return new PluginConfig(prefix, Map.copyOf(own));
  }

  /** A plugin with no settings: every getter answers its default. */
  public static PluginConfig empty(String prefix) {
    return new PluginConfig(Objects.requireNonNull(prefix, "prefix"), Map.of());
  }

  /** The full property name of a setting, for messages. */
  public String key(String setting) {
    return prefix + "." + setting;
  }

  /** The names of the settings present, relative to the prefix. */
  public Set<String> names() {
    return settings.keySet();
  }

  public Optional<String> string(String setting) {
    return Optional.ofNullable(settings.get(setting)).filter(value -> !value.isEmpty());
  }

  public String string(String setting, String defaultValue) {
    return string(setting).orElse(defaultValue);
  }

  /** An integer setting within {@code [min, max]}. */
  public int integer(String setting, int defaultValue, int min, int max) {
    Optional<String> raw = string(setting);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(
          key(setting), "'" + raw.get() + "' is not an integer (accepted: " + min + ".." + max + ")");
    }
    if (value < min || value > max) {
      throw new InvalidConfigException(
          key(setting), value + " is out of range (accepted: " + min + ".." + max + ")");
    }
    return value;
  }

  /**
   * One of the constants of {@code type}, written in lower case with hyphens for underscores:
   * {@code LINEAR_PROBING} is {@code linear-probing}.
   */
  public <E extends Enum<E>> E option(String setting, Class<E> type, E defaultValue) {
    Optional<String> raw = string(setting);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (spelling(constant).equals(raw.get().toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    String accepted =
        Arrays.stream(type.getEnumConstants())
            .map(PluginConfig::spelling)
            .collect(Collectors.joining(", "));
    throw new InvalidConfigException(
        key(setting), "'" + raw.get() + "' is not accepted (accepted: " + accepted + ")");
  }

  private static String spelling(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return prefix + settings;
  }
}
