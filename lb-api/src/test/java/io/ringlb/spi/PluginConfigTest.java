package io.ringlb.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigTest {

  private enum Probing { QUADRATIC, LINEAR_SCAN }

  private final PluginConfig config =
      PluginConfig.of(
          "lb.strategy.classic",
          Map.of(
              "lb.strategy.classic.slots", " 1024 ",
              "lb.strategy.classic.probing", "Linear-Scan",
              "lb.strategy.classic.bad", "12x",
              "lb.strategy.classic.empty", "",
              "lb.strategy.ring.points", "100",
              "lb.strategy", "classic"));

  @Test
  void looksSettingsUpByTheirFullName() {
    assertThat(config.key("slots")).isEqualTo("lb.strategy.classic.slots");
    assertThat(config.string("points")).isEmpty(); // lb.strategy.ring.points is another plugin's
    assertThat(PluginConfig.of("lb", Map.of("lb.heartbeat.fall", "4")).within("heartbeat").integer("fall", 2, 1, 9)).isEqualTo(4);
  }

  @Test
  void takesWhateverLookupAConfigurationSystemHas() {
    PluginConfig fromEnvironmentStyle =
        PluginConfig.of("lb.strategy.classic", name -> java.util.Optional.ofNullable(
            Map.of("LB_STRATEGY_CLASSIC_SLOTS", "64").get(name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))));

    assertThat(fromEnvironmentStyle.integer("slots", 512, 1, 1024)).isEqualTo(64);
  }

  @Test
  void readsTypedValuesAndDefaults() {
    assertThat(config.integer("slots", 512, 1, 1 << 20)).isEqualTo(1024);
    assertThat(config.integer("absent", 512, 1, 1 << 20)).isEqualTo(512);
    assertThat(config.integer("empty", 7, 1, 10)).isEqualTo(7);
    assertThat(config.option("probing", Probing.class, Probing.QUADRATIC)).isEqualTo(Probing.LINEAR_SCAN);
    assertThat(config.option("absent", Probing.class, Probing.QUADRATIC)).isEqualTo(Probing.QUADRATIC);
  }

  @Test
  void namesTheKeyAndTheAcceptedValuesWhenAValueIsBad() {
    assertThatThrownBy(() -> config.integer("bad", 1, 1, 10))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.strategy.classic.bad: '12x' is not an integer (accepted: 1..10)")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo("lb.strategy.classic.bad");
    assertThatThrownBy(() -> config.integer("slots", 1, 1, 512))
        .hasMessage("lb.strategy.classic.slots: 1024 is out of range (accepted: 1..512)");
    assertThatThrownBy(() -> config.option("bad", Probing.class, Probing.QUADRATIC))
        .hasMessage("lb.strategy.classic.bad: '12x' is not accepted (accepted: quadratic, linear-scan)");
  }

  @Test
  void readsSizesBeyondIntsRangeAndNamesTheKeyWhenOneIsWrong() {
    PluginConfig sizes = PluginConfig.of("lb.forward", Map.of("lb.forward.max-body-bytes", "10737418240", "lb.forward.bad", "1GiB"));

    assertThat(sizes.longInteger("max-body-bytes", -1, 0, Long.MAX_VALUE)).isEqualTo(10_737_418_240L);
    assertThat(sizes.longInteger("absent", -1, 0, Long.MAX_VALUE)).isEqualTo(-1);
    assertThatThrownBy(() -> sizes.longInteger("bad", -1, 0, Long.MAX_VALUE))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("lb.forward.bad").hasMessageContaining("'1GiB' is not an integer");
    assertThatThrownBy(() -> sizes.longInteger("max-body-bytes", -1, 0, 1024))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("10737418240 is out of range (accepted: 0..1024)");
  }
}
