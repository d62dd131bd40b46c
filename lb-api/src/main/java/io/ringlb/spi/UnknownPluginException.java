package io.ringlb.spi;

import java.util.List;

/** Configuration named a plugin that is not on the class path. */
public class UnknownPluginException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final List<String> available;

  public UnknownPluginException(String kind, String name, List<String> available) {
    super("no " + kind + " named '" + name + "' (available: "
        + (available.isEmpty() ? "none" : String.join(", ", available)) + ")");
    this.name = name;
    this.available = List.copyOf(available);
  }

  /** The name that was asked for. */
  public String name() {
    return name;
  }

  /** The names that would have been found. */
  public List<String> available() {
    return available;
  }
}
