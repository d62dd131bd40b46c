package io.ringlb.example.modulo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.core.routing.HashStrategies;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A strategy in a jar of its own is found on the class path and chosen by {@code lb.strategy}. */
class PluginDiscoveryIT {

  private final PluginRegistry<HashStrategyProvider> registry = PluginRegistry.load(HashStrategyProvider.class);

  @Test
  void theExampleStrategyIsLoadedFromItsJar() {
    HashStrategyProvider found = registry.select("modulo");

    String location = found.getClass().getProtectionDomain().getCodeSource().getLocation().getPath();
    assertThat(location).as("where the plugin class came from").endsWith(".jar").contains("example-strategy");
  }

  @Test
  void configurationSelectsItByNameAmongTheShippedStrategies() {
    assertThat(registry.names()).containsExactly("classic", "maglev", "modulo", "rendezvous", "ring");

    HashRing ring = HashStrategies.emptyRing(registry, Map.of("lb.strategy", "modulo"));

    assertThat(ring).isInstanceOf(ModuloRing.class);
    assertThat(HashStrategies.emptyRing(registry, Map.of()).getClass().getSimpleName()).isEqualTo("VirtualNodeRing");
  }

  @Test
  void anUnknownNameFailsListingEveryStrategyOnTheClassPath() {
    assertThatThrownBy(() -> HashStrategies.emptyRing(registry, Map.of("lb.strategy", "consistent")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.strategy: no HashStrategyProvider named 'consistent' (available: classic, maglev, modulo, rendezvous, ring)");
  }

  @Test
  void aStrategysBadSettingFailsNamingTheFullKey() {
    assertThatThrownBy(() -> HashStrategies.emptyRing(registry, Map.of("lb.strategy", "ring", "lb.strategy.ring.points", "-3")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.strategy.ring.points: -3 is out of range (accepted: 1..65536)");
  }
}
