package io.ringlb.spi;

import io.ringlb.api.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings of one plugin: the properties under its prefix, such as {@code slots} for
 * {@code lb.strategy.classic.slots}. Immutable.
 *
 * <p>Settings are looked up by full property name through a function, so a configuration
 * system keeps its own rules: MicroProfile Config, for one, finds {@code
 * lb.strategy.classic.slots} in the environment as {@code LB_STRATEGY_CLASSIC_SLOTS}.
 *
 * <p>The typed getters check the value and throw an {@link InvalidConfigException} that names
 * the full property and the accepted values, so a plugin never parses a string itself.
 */
public final class PluginConfig {

  private final String prefix;
  private final Function<String, Optional<String>> properties;

  private PluginConfig(String prefix, Function<String, Optional<String>> properties) {
    this.prefix = prefix;
    this.properties = properties;
  }

  /**
   * The settings of the plugin whose properties start with {@code prefix + "."}.
   *
   * @param properties looks a property up by its full name
   */
  public static PluginConfig of(String prefix, Function<String, Optional<String>> properties) {
    return new PluginConfig(Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(properties, "properties"));
  }

  /** As {@link #of(String, Function)}, over a map of full property names to values. */
  public static PluginConfig of(String prefix, Map<String, String> properties) {
    Map<String, String> copy = Map.copyOf(properties);
    return of(prefix, name -> Optional.ofNullable(copy.get(name)));
  }

  /** A plugin with no settings: every getter answers its default. */
  public static PluginConfig empty(String prefix) {
    return of(prefix, name -> Optional.empty());
  }

  /** The settings of a part of this plugin, such as {@code heartbeat} within {@code lb}. */
  public PluginConfig within(String part) {
    return new PluginConfig(key(part), properties);
  }

  /** The full property name of a setting, for messages. */
  public String key(String setting) {
    return prefix + "." + setting;
  }

  public Optional<String> string(String setting) {
    return properties.apply(key(setting)).map(String::strip).filter(value -> !value.isEmpty());
  }

  public String string(String setting, String defaultValue) {
    return string(setting).orElse(defaultValue);
  }

  /** An integer setting within {@code [min, max]}. */
  public int integer(String setting, int defaultValue, int min, int max) {
    return (int) longInteger(setting, defaultValue, min, max);
  }

  /** A whole-number setting within {@code [min, max]} that may pass {@code int}'s range, such as a size in bytes. */
  public long longInteger(String setting, long defaultValue, long min, long max) {
    Optional<String> raw = string(setting);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(raw.get());
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
    return "PluginConfig[" + prefix + "]";
  }
}
