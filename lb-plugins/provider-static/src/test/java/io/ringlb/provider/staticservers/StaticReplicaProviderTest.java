package io.ringlb.provider.staticservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticReplicaProviderTest {

  private static final String SERVERS = "lb.provider.static.servers";

  private static ReplicaLauncher launcher(String servers) {
    ReplicaProvider provider = PluginRegistry.load(ReplicaProvider.class).select("static");
    return provider.create(PluginConfig.of("lb.provider.static", Map.of(SERVERS, servers)));
  }

  @Test
  void isFoundByNameButNeverPreferredByAuto() {
    ReplicaProvider provider = PluginRegistry.load(ReplicaProvider.class).select("static");
    assertThat(provider.isAvailable()).isTrue();
    assertThat(provider.priority()).isZero();
  }

  @Test
  void handsOutTheServerAtEachIdsPlaceAndTakesThemBack() {
    ReplicaLauncher launcher = launcher(" 127.0.0.1:8081, 127.0.0.1:8082 ,[::1]:8083");
    Replica first = launcher.start(new ReplicaSpec("replica-1", 1));
    Replica second = launcher.start(new ReplicaSpec("replica-2", 2));
    Replica third = launcher.start(new ReplicaSpec("replica-3", 3));

    assertThat(first).isEqualTo(new Replica("replica-1", 1, "127.0.0.1", 8081));
    assertThat(second).isEqualTo(new Replica("replica-2", 2, "127.0.0.1", 8082));
    assertThat(third).isEqualTo(new Replica("replica-3", 3, "::1", 8083));
    assertThat(launcher.list()).containsExactly(first, second, third);

    launcher.stop(second);
    assertThat(launcher.list()).containsExactly(first, third);
    assertThat(launcher.start(new ReplicaSpec("replica-4", 4))).isEqualTo(new Replica("replica-4", 4, "127.0.0.1", 8082));
  }

  @Test
  void eachReplicaLandsOnTheServerAtItsIdsPlaceWhateverOrderTheyStartIn() {
    ReplicaLauncher launcher = launcher("127.0.0.1:8081,127.0.0.1:8082,127.0.0.1:8083");
    Replica second = launcher.start(new ReplicaSpec("S2", 2)); // the fleet starts its replicas at once: any may come first
    Replica third = launcher.start(new ReplicaSpec("S3", 3));
    Replica first = launcher.start(new ReplicaSpec("S1", 1));

    assertThat(List.of(first, second, third)).extracting(Replica::port).containsExactly(8081, 8082, 8083);

    launcher.stop(first);
    assertThat(launcher.start(new ReplicaSpec("S1", 1)).port()).as("a replacement under the same id, on the same server").isEqualTo(8081);
  }

  @Test
  void refusesAReplicaBeyondTheListedServers() {
    ReplicaLauncher launcher = launcher("127.0.0.1:8081");
    launcher.start(new ReplicaSpec("replica-1", 1));

    assertThatThrownBy(() -> launcher.start(new ReplicaSpec("replica-2", 2)))
        .isInstanceOf(ReplicaLaunchException.class)
        .hasMessageContaining("all 1 static servers [127.0.0.1:8081]");
    assertThat(launcher.list()).hasSize(1);
  }

  @Test
  void stoppingAServerItDoesNotHoldChangesNothing() {
    ReplicaLauncher launcher = launcher("127.0.0.1:8081");
    Replica held = launcher.start(new ReplicaSpec("replica-1", 1));

    launcher.stop(new Replica("other", 9, "127.0.0.1", 9999));

    assertThat(launcher.list()).containsExactly(held);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " , ", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:http", "127.0.0.1:0", "127.0.0.1:65536",
      "127.0.0.1:8081,127.0.0.1:8081"})
  void badServerListsAreRefusedNamingTheProperty(String servers) {
    assertThatThrownBy(() -> launcher(servers))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(SERVERS)
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(SERVERS));
  }

  @Test
  void anUnsetServerListIsRefused() {
    ReplicaProvider provider = PluginRegistry.load(ReplicaProvider.class).select("static");
    assertThatThrownBy(() -> provider.create(PluginConfig.empty("lb.provider.static")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(SERVERS + ": is not set");
  }
}
