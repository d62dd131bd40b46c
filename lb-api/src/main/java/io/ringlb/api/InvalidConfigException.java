package io.ringlb.api;

import java.util.Objects;

/**
 * A configuration value that cannot be used. The message starts with the full property name,
 * so an operator knows which line of their configuration to fix.
 */
public class InvalidConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;

  public InvalidConfigException(String key, String problem) {
    super(Objects.requireNonNull(key, "key") + ": " + problem);
    this.key = key;
  }

  /** The full name of the property at fault, such as {@code lb.strategy.classic.slots}. */
  public String key() {
    return key;
  }
}
