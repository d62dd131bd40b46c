package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringlb.api.Replica;
import io.ringlb.core.proxy.KeyLookup;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A lookup agrees with the data plane: each of a thousand varied requests, sent through it, is
 * answered by the replica the lookup of the same request names.
 */
class KeyLookupTest {

  private static final Pattern ANSWERED_BY = Pattern.compile("Hello from Server: (\\w+)");

  private final HttpReplicas replicas = new HttpReplicas();

  @AfterEach
  void stopReplicas() {
    replicas.stopAll();
  }

  /** A balancer of {@code count} replicas (see {@link #config}), once every one of them is in its ring. */
  private Balancer started(int count, Map<String, String> more) {
    Balancer balancer = Balancer.start(config(count, more), replicas);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> balancer.router().ring().replicas().size() == count);
    } catch (RuntimeException | Error notReady) {
      balancer.close();
      throw notReady;
    }
    return balancer;
  }

  /** A balancer of {@code replicas} on the test's modulo strategy, its data plane on a free port, with {@code more}. */
  private static BalancerConfig config(int replicas, Map<String, String> more) {
    Map<String, String> properties = new HashMap<>(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", Integer.toString(replicas),
        "lb.strategy", "tiny", "lb.max-replicas", "4"));
    properties.putAll(more);
    return BalancerConfig.from(properties, PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
  }

  @Test
  void aLookupNamesTheReplicaThatAnswersTheSameRequest() throws Exception {
    try (Balancer balancer = started(4, Map.of("lb.key", "header:X-User,query:user,cookie:sid,uri")); HttpClient client = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + balancer.dataPlane().address().getPort());
      SplittableRandom random = new SplittableRandom(25);
      List<String> answeredBy = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String user = "user-" + random.nextInt(100_000);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String target = "/home";
        switch (i % 4) {
          case 0 -> headers.add(Map.entry("X-User", user));
          case 1 -> target = "/home?user=" + user + "&page=" + random.nextInt(10);
          case 2 -> headers.add(Map.entry("Cookie", "theme=dark; sid=" + user));
          default -> target = "/home?page=" + user; // none of the attributes: keyed by the uri, the chain's last link
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(target));
        headers.forEach(header -> request.header(header.getKey(), header.getValue()));
        String body = client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher served = ANSWERED_BY.matcher(body);
        assertThat(served.find()).as(body).isTrue();

        Optional<KeyLookup.Answer> lookup = balancer.keyLookup().of(new KeyLookup.Request(target, headers, Optional.of("127.0.0.1")));

        assertThat(lookup).isPresent();
        assertThat(lookup.get().route().replica().map(Replica::name)).as("request %d to %s with %s", i, target, headers).contains(served.group(1));
        assertThat(lookup.get().keyText()).isEqualTo(i % 4 == 3 ? target : user);
        answeredBy.add(served.group(1));
      }
      assertThat(answeredBy).as("the requests spread over every replica").containsAll(List.of("S1", "S2", "S3", "S4"));
    }
  }

  @Test
  void aRequestWithNothingToHashHasNoLookupAndARawKeyIsHashedAsTheKeysAre() throws Exception {
    try (Balancer balancer = started(2, Map.of("lb.key", "header:X-User,client-address"))) {
      KeyLookup lookups = balancer.keyLookup();

      assertThat(lookups.of(new KeyLookup.Request("/home", List.of(), Optional.empty()))).as("no header, no client address").isEmpty();
      KeyLookup.Answer byHeader = lookups.of(new KeyLookup.Request("/home", List.of(Map.entry("X-User", "alice")), Optional.empty())).orElseThrow();
      KeyLookup.Answer byKey = lookups.ofKey("alice").orElseThrow();
      assertThat(byKey.key()).isEqualTo(byHeader.key());
      assertThat(byKey.route()).isEqualTo(byHeader.route());
    }
  }

  @Test
  void aTargetInAbsoluteFormIsLookedUpWithItsOwnHostAndPathAsTheDataPlaneTakesThem() throws Exception {
    try (Balancer balancer = started(2, Map.of("lb.key", "header:Host,query:user"))) {
      List<Map.Entry<String, String>> host = List.of(Map.entry("Host", "x"));

      assertThat(balancer.keyLookup().of(new KeyLookup.Request("http://other.example:8080/home", host, Optional.empty())).orElseThrow().keyText())
          .as("the target's host, over Host").isEqualTo("other.example:8080");
      assertThat(balancer.keyLookup().of(new KeyLookup.Request("http://other.example?user=7", List.of(), Optional.empty())))
          .as("no Host field, and a query right after the authority").isPresent().get()
          .extracting(KeyLookup.Answer::keyText).isEqualTo("other.example");
      for (String refused : List.of("/home#x", "home", "http://:8080/home", "/a b")) {
        assertThatThrownBy(() -> balancer.keyLookup().of(new KeyLookup.Request(refused, host, Optional.empty())))
            .as("refused by the data plane, so looked up nowhere: %s", refused).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void aKeptReplicaThatIsDownIsNamedWhereItWouldHaveTakenTheKey() throws Exception {
    try (Balancer balancer = started(3, Map.of("lb.heartbeat.interval-ms", "50", "lb.heartbeat.timeout-ms", "50"))) {
      replicas.failing.add("S2"); // it dies, and its restarts fail: kept, but out of the ring
      replicas.kill("S2");
      await().atMost(Duration.ofSeconds(10)).until(() -> !balancer.router().ring().replicas().contains("S2"));

      boolean namedSomewhere = false;
      for (int key = 100_000; key < 100_050; key++) {
        KeyLookup.Answer answer = balancer.keyLookup().ofKey(Integer.toString(key)).orElseThrow();
        assertThat(answer.route().replica()).map(Replica::name).isNotEqualTo(Optional.of("S2"));
        if (!answer.route().passedOver().isEmpty()) {
          assertThat(answer.route().passedOver()).extracting(io.ringlb.core.routing.KeyRoute.PassedOver::replica).containsExactly("S2");
          assertThat(answer.route().passedOver().get(0).reasons()).singleElement().asString().startsWith("not in the ring now: down");
          namedSomewhere = true;
        }
      }
      assertThat(namedSomewhere).as("some of 50 keys would go to S2 were it up").isTrue();
    }
  }
}
