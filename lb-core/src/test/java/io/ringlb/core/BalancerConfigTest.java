package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.proxy.AccessLogTarget;
import io.ringlb.core.proxy.ProxySettings;
import io.ringlb.core.proxy.ReplicaLink;
import io.ringlb.core.proxy.ReplicaProtocol;
import io.ringlb.core.tls.TlsSettings;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancerConfigTest {

  /**
   * A strategy with room for {@code lb.strategy.tiny.capacity} replicas, as classic has M / K.
   * Its rings count every replica added while the configuration is read: a capacity check that
   * built the largest ring could exhaust memory.
   */
  static final class Tiny implements HashStrategyProvider {
    @Override public String name() { return "tiny"; }
    @Override public HashRing create(PluginConfig config) {
      int capacity = config.integer("capacity", 4, 1, 100);
      return new Capped(new ModuloRing(ReplicaSet.empty()), capacity);
    }
  }

  record Capped(HashRing ring, int capacity) implements HashRing {
    @Override public Optional<Replica> route(long key) { return ring.route(key); }
    @Override public List<Replica> candidates(long key, int limit) { return ring.candidates(key, limit); }
    @Override public ReplicaSet replicas() { return ring.replicas(); }
    @Override public HashRing without(String name) { return new Capped(ring.without(name), capacity); }
    @Override public int capacity() { return capacity; }
    @Override public HashRing with(Replica replica) {
      BUILT.incrementAndGet();
      if (ring.replicas().size() == capacity) {
        throw new IllegalStateException("the tiny ring holds " + capacity);
      }
      return new Capped(ring.with(replica), capacity);
    }
  }

  static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

  private static final PluginRegistry<HashStrategyProvider> STRATEGIES = PluginRegistry.of(HashStrategyProvider.class, List.of(new Tiny()));

  private static BalancerConfig config(Map<String, String> properties) {
    java.util.Map<String, String> all = new java.util.HashMap<>(Map.of("lb.strategy", "tiny", "lb.max-replicas", "4"));
    all.putAll(properties);
    return BalancerConfig.from(all, STRATEGIES);
  }

  @Test
  void defaultsAreTheExercisesAndTheIssuesValues() {
    BalancerConfig config = config(Map.of());

    assertThat(config.fleet().replicas()).isEqualTo(3);
    assertThat(config.fleet().heartbeat().interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.fleet().heartbeat().timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.fleet().heartbeat().fall()).isEqualTo(2);
    assertThat(config.fleet().stopReplicasOnClose()).isTrue();
    assertThat(config.attempts()).isEqualTo(3);
    assertThat(config.balanceFactor()).as("bounded loads off").isZero();
    assertThat(config.slowStart()).as("slow start off").isZero();
    assertThat(config.fleet().drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.emptyRing()).isInstanceOf(Capped.class);
    ProxySettings proxy = config.proxy();
    assertThat(proxy.port()).isEqualTo(5000);
    assertThat(proxy.host()).isEqualTo("0.0.0.0");
    assertThat(proxy.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(proxy.maxBodyBytes()).isEqualTo(ProxySettings.NO_LIMIT);
    assertThat(proxy.retryBodyBytes()).isEqualTo(65_536);
    assertThat(proxy.admin()).hasValue(new Replica("admin", 0, "127.0.0.1", 5001));
    assertThat(config.accessLog()).as("no access log").isEmpty();
  }

  @Test
  void theDataPlaneAndAdminSettingsAreRead() {
    ProxySettings proxy = config(Map.of("lb.port", "7000", "lb.event-loops", "2", "lb.forward.max-body-bytes", "10737418240",
        "lb.client.header-timeout-ms", "1500", "lb.admin.host", "*", "lb.admin.port", "7001", "lb.forward.idle-timeout-ms", "2500")).proxy();

    assertThat(proxy.port()).isEqualTo(7000);
    assertThat(proxy.eventLoops()).isEqualTo(2);
    assertThat(proxy.maxBodyBytes()).isEqualTo(10_737_418_240L);
    assertThat(proxy.headerTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(proxy.replicaIdleTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config(Map.of()).proxy().replicaIdleTimeout()).as("under Node's 5 s keep-alive").isEqualTo(Duration.ofSeconds(4));
    assertThat(proxy.admin()).as("an admin endpoint on every interface is reached on loopback").hasValue(new Replica("admin", 0, "127.0.0.1", 7001));
    assertThat(config(Map.of("lb.admin.port", "-1")).proxy().admin()).isEmpty();
  }

  @Test
  void readsEveryKnobThroughTheLookupItIsGiven() {
    Map<String, String> environment = Map.of("LB_REPLICAS", "2", "LB_HEARTBEAT_FALL", "5", "LB_STRATEGY", "tiny", "LB_STRATEGY_TINY_CAPACITY", "9",
        "LB_MAX_REPLICAS", "9", "LB_KEEP_REPLICAS", "true");
    BalancerConfig config =
        BalancerConfig.from(name -> Optional.ofNullable(environment.get(name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))), STRATEGIES);

    assertThat(config.fleet().replicas()).isEqualTo(2);
    assertThat(config.fleet().heartbeat().fall()).isEqualTo(5);
    assertThat(config.fleet().maxReplicas()).isEqualTo(9);
    assertThat(config.fleet().stopReplicasOnClose()).isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lb.replicas              | 5     | lb.replicas: 5 is out of range (accepted: 0..4)",
        "lb.replicas              | three | lb.replicas: 'three' is not an integer (accepted: 0..4)",
        "lb.heartbeat.fall        | 0     | lb.heartbeat.fall: 0 is out of range (accepted: 1..100)",
        "lb.heartbeat.interval-ms | 5     | lb.heartbeat.interval-ms: 5 is out of range (accepted: 10..3600000)",
        "lb.forward.attempts      | 0     | lb.forward.attempts: 0 is out of range (accepted: 1..100)",
        "lb.forward.idle-timeout-ms | 0   | lb.forward.idle-timeout-ms: 0 is out of range (accepted: 1..3600000)",
        "lb.keep-replicas         | maybe | lb.keep-replicas: 'maybe' is not accepted (accepted: true, false)",
        "lb.name-prefix           | 9x    | lb.name-prefix: '9x' cannot start a hostname (a letter, then letters, digits, hyphens)",
        "lb.key                   | url   | lb.key: 'url' is not accepted (available: client-address, cookie:<name>, header:<name>, path, query:<name>, random-id, uri, or a chain of them separated by commas)",
        "lb.strategy              | ketama | lb.strategy: no HashStrategyProvider named 'ketama' (available: tiny)",
        "lb.max-replicas          | 5     | lb.max-replicas: 5 replicas do not fit the tiny strategy as configured, which holds at most 4: lower lb.max-replicas or change lb.strategy.tiny.*",
        "lb.heartbeat.path        | health | lb.heartbeat.path: 'health' is not a path: it starts with '/' and holds no spaces",
        "lb.admin.port            | 5000  | lb.admin.port: 5000 is also lb.port: the data plane and the admin endpoint need a port each",
        "lb.forward.max-body-bytes | 1GiB | lb.forward.max-body-bytes: '1GiB' is not an integer (accepted: 0..9223372036854775807)",
        "lb.event-loops           | 0     | lb.event-loops: 0 is out of range (accepted: 1..256)",
        "lb.client.max-header-bytes | 10  | lb.client.max-header-bytes: 10 is out of range (accepted: 1024..1048576)",
        "lb.balance-factor        | 50    | lb.balance-factor: 50 would bound every replica below the average load: 0 turns bounded loads off, otherwise at least 100 (percent)",
        "lb.balance-factor        | -1    | lb.balance-factor: -1 is out of range (accepted: 0..100000)",
        "lb.drain-timeout-ms      | -5    | lb.drain-timeout-ms: -5 is out of range (accepted: 0..3600000)",
        "lb.slow-start-ms         | -1    | lb.slow-start-ms: -1 is out of range (accepted: 0..3600000)",
        "lb.weights               | S1=2  | lb.weights: the hash strategy weighs no replica, and no strategy on offer does",
        "lb.tls.certificate       | a.crt | lb.tls.port: unset, while lb.tls.certificate is set: set the port TLS is served on, such as 5443",
        "lb.tls.keystore          | a.p12 | lb.tls.port: unset, while lb.tls.keystore is set: set the port TLS is served on, such as 5443",
        "lb.tls.port              | 5000  | lb.tls.port: 5000 is also lb.port: TLS and cleartext need a port each",
        "lb.tls.port              | 5443  | lb.tls.certificate: needed with lb.tls.port: the PEM certificate chain to serve (or lb.tls.keystore, PKCS#12)",
        "lb.tls.port              | 70000 | lb.tls.port: 70000 is out of range (accepted: 0..65535)",
        "lb.tls.port              | 5001  | lb.tls.port: 5001 is also lb.admin.port: the data plane's TLS and the admin endpoint need a port each",
        "lb.http2.max-concurrent-streams | 0 | lb.http2.max-concurrent-streams: 0 is out of range (accepted: 1..10000)",
        "lb.heartbeat.protocol    | tcp   | lb.heartbeat.protocol: 'tcp' is not accepted (accepted: http, grpc)",
        "lb.heartbeat.grpc-service | shop | lb.heartbeat.grpc-service: set while lb.heartbeat.protocol is http: set lb.heartbeat.protocol=grpc to check it",
        "lb.forward.protocol      | http2 | lb.forward.protocol: 'http2' is not accepted (accepted: http/1.1, h2c, h2)",
        "lb.forward.tls           | yes   | lb.forward.tls: 'yes' is not accepted (accepted: true, false)",
        "lb.forward.tls.trust     | ca.pem | lb.forward.tls.trust: set while replicas are reached in the clear: set lb.forward.tls=true, or lb.forward.protocol=h2",
      })
  void aBadValueFailsNamingTheProperty(String property, String value, String message) {
    assertThatThrownBy(() -> config(Map.of(property, value))).isInstanceOf(InvalidConfigException.class).hasMessage(message);
  }

  @Test
  void replicasAreReachedOverHttp11InTheClearUnlessToldOtherwise() {
    assertThat(config(Map.of()).proxy().replicaLink()).isEqualTo(ReplicaLink.CLEARTEXT_HTTP_1_1);
    assertThat(config(Map.of("lb.forward.protocol", "h2c")).proxy().replicaLink().protocol()).isEqualTo(ReplicaProtocol.H2C);
    ReplicaLink h2 = config(Map.of("lb.forward.protocol", "h2")).proxy().replicaLink();
    assertThat(h2.protocol()).as("h2 is HTTP/2 over TLS").isEqualTo(ReplicaProtocol.H2);
    assertThat(h2.tls()).isPresent();
    assertThat(config(Map.of("lb.forward.tls", "true")).proxy().replicaLink().tls()).isPresent();
  }

  @Test
  void heartbeatsAreHttpGetsUnlessGrpcsHealthCheckIsAskedFor() {
    assertThat(config(Map.of()).fleet().heartbeat().grpcService()).isEmpty();
    assertThat(config(Map.of("lb.heartbeat.protocol", "grpc")).fleet().heartbeat().grpcService()).as("the whole server").hasValue("");
    assertThat(config(Map.of("lb.heartbeat.protocol", "grpc", "lb.heartbeat.grpc-service", "shop.Cart")).fleet().heartbeat().grpcService()).hasValue("shop.Cart");
  }

  @Test
  void aProtocolAndTlsThatContradictEachOtherFailNamingTheSetting(@TempDir Path directory) {
    assertThatThrownBy(() -> config(Map.of("lb.forward.protocol", "h2c", "lb.forward.tls", "true"))).isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.forward.tls: true, while lb.forward.protocol is h2c, HTTP/2 in the clear: HTTP/2 over TLS is h2");
    assertThatThrownBy(() -> config(Map.of("lb.forward.protocol", "h2", "lb.forward.tls", "false"))).isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.forward.tls: false, while lb.forward.protocol is h2, HTTP/2 over TLS: HTTP/2 in the clear is h2c");
    Path missing = directory.resolve("ca.pem");
    assertThatThrownBy(() -> config(Map.of("lb.forward.tls", "true", "lb.forward.tls.trust", missing.toString()))).isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.forward.tls.trust: no file at " + missing);
  }

  @Test
  void tlsIsOffUnlessItsPortIsSetAndThenTakesPemFilesOrAKeystore(@TempDir Path directory) {
    assertThat(config(Map.of()).tls()).isEmpty();

    TlsSettings pem = config(Map.of("lb.tls.port", "5443", "lb.tls.certificate", "tls/lb.crt", "lb.tls.key", "tls/lb.key")).tls().orElseThrow();
    assertThat(pem.port()).isEqualTo(5443);
    assertThat(pem.certificate()).hasValue(Path.of("tls/lb.crt").toAbsolutePath());
    assertThat(pem.key()).hasValue(Path.of("tls/lb.key").toAbsolutePath());
    assertThat(pem.keystore()).isEmpty();
    assertThat(pem.reloadInterval()).isEqualTo(Duration.ofSeconds(10));

    TlsSettings keystore = config(Map.of("lb.tls.port", "5443", "lb.tls.keystore", directory.resolve("lb.p12").toString(), "lb.tls.keystore-password",
        "secret", "lb.tls.reload-interval-ms", "2000")).tls().orElseThrow();
    assertThat(keystore.keystore()).hasValue(directory.resolve("lb.p12"));
    assertThat(keystore.keystorePassword()).isEqualTo("secret");
    assertThat(keystore.reloadInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void tlsTakesOneSourceOfTheCertificateAndTheKeyWithItsCertificate() {
    assertThatThrownBy(() -> config(Map.of("lb.tls.port", "5443", "lb.tls.certificate", "a.crt", "lb.tls.key", "a.key", "lb.tls.keystore", "a.p12")))
        .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("lb.tls.keystore: set beside lb.tls.certificate");
    assertThatThrownBy(() -> config(Map.of("lb.tls.port", "5443", "lb.tls.certificate", "a.crt")))
        .isInstanceOf(InvalidConfigException.class).hasMessage("lb.tls.key: needed with lb.tls.certificate: the certificate's private key, PEM (PKCS#8)");
  }

  @Test
  void theAccessLogIsOffUnlessNamedAndGoesToStdoutOrAFileAppendedTo(@TempDir Path directory) {
    Path file = directory.resolve("access.log");

    assertThat(config(Map.of("lb.access-log", " ")).accessLog()).as("empty is off").isEmpty();
    assertThat(config(Map.of("lb.access-log", "stdout")).accessLog()).hasValue(new AccessLogTarget.Stdout());
    assertThat(config(Map.of("lb.access-log", file.toString())).accessLog()).hasValue(new AccessLogTarget.File(file));
    assertThat(Files.exists(file)).as("reading the configuration creates nothing").isFalse();
  }

  @Test
  void anAccessLogThatCannotBeWrittenFailsTheStartNamingTheProperty(@TempDir Path directory) {
    Path missing = directory.resolve("no-such-directory").resolve("access.log");

    assertThatThrownBy(() -> config(Map.of("lb.access-log", missing.toString())))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.access-log: the directory " + missing.getParent() + " does not exist: create it, or name a file in one that does");
    assertThatThrownBy(() -> config(Map.of("lb.access-log", directory.toString())))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.access-log: " + directory + " is a directory: name a file in it to append the access log to");
  }

  @Test
  void anAccessLogUnderAFileThatIsNoDirectoryFailsTheStart(@TempDir Path directory) throws IOException {
    Path file = Files.createFile(directory.resolve("not-a-directory"));

    assertThatThrownBy(() -> config(Map.of("lb.access-log", file.resolve("access.log").toString())))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.access-log: " + file + " is not a directory: name a file in one");
  }

  @Test
  void capacityIsCheckedByArithmeticWithoutBuildingARing() {
    BUILT.set(0);

    assertThatThrownBy(() -> config(Map.of("lb.max-replicas", "10000", "lb.strategy.tiny.capacity", "100")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("lb.max-replicas: 10000 replicas do not fit the tiny strategy")
        .hasMessageContaining("lb.strategy.tiny.*");
    config(Map.of("lb.max-replicas", "100", "lb.strategy.tiny.capacity", "100"));
    assertThat(BUILT).as("replicas added to a ring while reading the configuration").hasValue(0);
  }
}
