package io.ringlb.example.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.Replica;
import io.ringlb.core.Balancer;
import io.ringlb.core.BalancerConfig;
import io.ringlb.core.key.KeyExtractors;
import io.ringlb.core.proxy.KeyLookup;
import io.ringlb.core.routing.PluginJars;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's jar, dropped into a plugins directory, keys a real balancer's requests: this
 * module's classes are not on the test's class path (see the pom), so the balancer finds {@code
 * jwt-claim} only as the web app does, through {@link PluginJars} over the directory.
 */
class PluginDirectoryIT {

  @TempDir Path plugins;

  private final List<HttpServer> replicas = new ArrayList<>();
  private ClassLoader loader;

  @BeforeEach
  void dropTheJarIntoThePluginsDirectory() throws Exception {
    Path jar = Path.of(System.getProperty("plugin.jar"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    loader = PluginJars.loader(plugins, getClass().getClassLoader());
  }

  @AfterEach
  void stopReplicas() {
    replicas.forEach(server -> server.stop(0));
  }

  @Test
  void withoutTheJarTheKeyIsUnknownAndTheErrorListsWhatIsAvailable() {
    assertThat(KeyExtractors.onClassPath().find("jwt-claim")).as("jwt-claim on the test's own class path").isEmpty();

    assertThatThrownBy(() -> KeyExtractors.parse("jwt-claim"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'jwt-claim' is not accepted (available: client-address, cookie:<name>, header:<name>, path, query:<name>,"
            + " random-id, uri, or a chain of them separated by commas)");
  }

  @Test
  void aBalancerKeysEachUserByTheClaimOfTheirTokenAndItsLookupAgrees() throws Exception {
    Map<String, String> properties = new HashMap<>(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "3",
        "lb.key", "jwt-claim,client-address", "lb.key.jwt-claim.claim", "uid",
        "lb.provider.static.servers", startReplicas(3)));
    Function<String, Optional<String>> lookup = name -> Optional.ofNullable(properties.get(name));
    BalancerConfig config = BalancerConfig.from(lookup, PluginRegistry.load(HashStrategyProvider.class, loader),
        PluginRegistry.load(KeyExtractorProvider.class, loader));
    ReplicaLauncher launcher = PluginRegistry.load(ReplicaProvider.class, loader).select("static")
        .create(PluginConfig.of("lb.provider.static", lookup));

    try (Balancer balancer = Balancer.start(config, launcher); HttpClient client = HttpClient.newHttpClient()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == 3);
      URI home = URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort() + "/home");
      Map<String, Set<String>> answeredBy = new HashMap<>();
      for (int i = 0; i < 300; i++) {
        String user = "user-" + (i % 60);
        String token = Tokens.bearer("{\"sub\":\"someone-else\",\"uid\":\"" + user + "\"}"); // keyed by the claim the setting names
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(home).header("Authorization", token).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        answeredBy.computeIfAbsent(user, u -> new HashSet<>()).add(response.body());

        KeyLookup.Answer byRequest = balancer.keyLookup()
            .of(new KeyLookup.Request("/home", List.of(Map.entry("Authorization", token)), Optional.empty())).orElseThrow();
        KeyLookup.Answer byKey = balancer.keyLookup().ofKey(user).orElseThrow();
        assertThat(byRequest.keyText()).isEqualTo(user);
        assertThat(byKey.route()).isEqualTo(byRequest.route());
        assertThat(byRequest.route().replica().map(Replica::port).map(String::valueOf)).as("where %s's lookup says it goes", user)
            .contains(response.body());
      }
      assertThat(answeredBy.values()).as("each user always answered by one replica").allSatisfy(ports -> assertThat(ports).hasSize(1));
      assertThat(answeredBy.values().stream().flatMap(Set::stream).collect(Collectors.toSet())).as("users spread over every replica").hasSize(3);

      KeyLookup.Answer byAddress = balancer.keyLookup()
          .of(new KeyLookup.Request("/home", List.of(), Optional.of("127.0.0.1"))).orElseThrow();
      for (String malformed : List.of("Bearer not.a.jwt", "Basic YWxpY2U6c2VjcmV0", Tokens.forSubject("no-uid-claim"), "Bearer ..")) {
        HttpResponse<String> untokened = client.send(HttpRequest.newBuilder(home).header("Authorization", malformed).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(untokened.statusCode()).isEqualTo(200);
        assertThat(byAddress.route().replica().map(Replica::port).map(String::valueOf))
            .as("%s: no key by the token, so by the chain's next link, the client's address", malformed).contains(untokened.body());
      }
    }
  }

  @Test
  void aSettingOrLinkThePluginRefusesStopsTheStartNamingIt() {
    PluginRegistry<KeyExtractorProvider> keys = PluginRegistry.load(KeyExtractorProvider.class, loader);

    assertThat(keys.names()).contains("jwt-claim", "header", "random-id");
    assertThatThrownBy(() -> KeyExtractors.parse("jwt-claim:tenant", keys, name -> Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'jwt-claim' takes no ':<name>'; the claim is the setting lb.key.jwt-claim.claim");
    assertThatThrownBy(() -> KeyExtractors.parse("jwt", keys, name -> Optional.empty()))
        .hasMessageContaining("(available: client-address, cookie:<name>, header:<name>, jwt-claim, path, query:<name>, random-id, uri");
  }

  /** Replicas that answer {@code /home} with the port they listen on; every other path (the heartbeat's) with 200. */
  private String startReplicas(int count) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      String port = String.valueOf(server.getAddress().getPort());
      server.createContext("/", exchange -> {
        byte[] body = exchange.getRequestURI().getPath().equals("/home") ? port.getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      replicas.add(server);
      addresses.add("127.0.0.1:" + port);
    }
    return String.join(",", addresses);
  }
}
