package io.ringlb.provider.staticservers;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.PluginConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Where one static server listens. */
record ServerAddress(String host, int port) {

  static final String SERVERS = "servers";

  /**
   * The comma-separated {@code host:port} list under {@code servers}, in order.
   *
   * @throws InvalidConfigException naming the property, for a missing, malformed or repeated address
   */
  static List<ServerAddress> parseList(PluginConfig config) {
    String key = config.key(SERVERS);
    String value = config.string(SERVERS).orElseThrow(() -> new InvalidConfigException(key, "is not set: list the replicas as host:port, comma-separated"));
    LinkedHashSet<ServerAddress> addresses = new LinkedHashSet<>();
    for (String entry : value.split(",")) {
      String trimmed = entry.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!addresses.add(parse(key, trimmed))) {
        throw new InvalidConfigException(key, "'" + trimmed + "' is listed twice");
      }
    }
    if (addresses.isEmpty()) {
      throw new InvalidConfigException(key, "lists no server: list the replicas as host:port, comma-separated");
    }
    return List.copyOf(new ArrayList<>(addresses));
  }

  private static ServerAddress parse(String key, String entry) {
    int colon = entry.lastIndexOf(':');
    if (colon <= 0 || colon == entry.length() - 1) {
      throw new InvalidConfigException(key, "'" + entry + "' is not host:port");
    }
    String host = entry.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(entry.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, "'" + entry + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidConfigException(key, "'" + entry + "': the port must be 1..65535");
    }
    return new ServerAddress(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
