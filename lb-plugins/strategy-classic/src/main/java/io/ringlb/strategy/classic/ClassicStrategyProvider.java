package io.ringlb.strategy.classic;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;

/**
 * {@code classic}: the exercise's map. Settings under {@code lb.strategy.classic.}:
 *
 * <ul>
 *   <li>{@code slots}: M, default 512;
 *   <li>{@code virtual-servers}: K, default log2(M);
 *   <li>{@code request-hash}: H(i), default {@code i^2 + 2i + 17};
 *   <li>{@code server-hash}: Phi(i, j), default {@code i^2 + j^2 + 2j + 25};
 *   <li>{@code probing}: {@code quadratic} (default) or {@code linear}.
 * </ul>
 */
public final class ClassicStrategyProvider implements HashStrategyProvider {

  /** Enough for any exercise variant; an array of this many ints is 4 MiB. */
  static final int MAX_SLOTS = 1 << 20;

  @Override
  public String name() {
    return "classic";
  }

  @Override
  public HashRing create(PluginConfig config) {
    return ClassicRing.empty(settings(config));
  }

  static ClassicSettings settings(PluginConfig config) {
    int slots = config.integer("slots", ClassicSettings.DEFAULT_SLOTS, 1, MAX_SLOTS);
    int virtualServers = config.integer("virtual-servers", ClassicSettings.defaultVirtualServers(slots), 1, slots);
    return new ClassicSettings(
        slots,
        virtualServers,
        formula(config, "request-hash", ClassicSettings.DEFAULT_REQUEST_HASH, "i"),
        formula(config, "server-hash", ClassicSettings.DEFAULT_SERVER_HASH, "ij"),
        config.option("probing", Probing.class, Probing.QUADRATIC));
  }

  private static Formula formula(PluginConfig config, String setting, String defaultText, String variables) {
    String text = config.string(setting, defaultText);
    try {
      return Formula.parse(text, variables);
    } catch (FormulaSyntaxException e) {
      throw new InvalidConfigException(config.key(setting), e.getMessage() + " in '" + text + "'");
    }
  }
}
