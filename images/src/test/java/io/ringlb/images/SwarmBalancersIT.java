package io.ringlb.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringlb.client.ApiJson;
import io.ringlb.client.RinglbClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several balancers, one ring, on a real swarm: the README's docker-stack.yml, two balancer
 * services reaching the replicas on the overlay network and managing them through the engine's
 * socket. The two start together on an empty swarm, so both try to create the same three
 * replicas.
 */
class SwarmBalancersIT {

  private static final String FLEET = "ringlb-balancers-it";
  private static final String NETWORK = "ringlb-balancers-it-net";
  private static final String STACK = "ringlb-it";
  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Swarm swarm;

  /** One balancer service of the stack: where its data plane and its admin port are published. */
  private record Balancer(String service, RinglbClient api) {

    Balancer(String service, int dataPort, int adminPort) {
      this(service, new RinglbClient(URI.create("http://127.0.0.1:" + dataPort), URI.create("http://127.0.0.1:" + adminPort), null, Duration.ofSeconds(60)));
    }

    /** The balancer's own view of the fleet: {@code GET /fleet} on its admin port. */
    JsonNode fleet() throws IOException {
      return JSON.readTree(api.send(api.admin(), "GET", "/fleet", null).body()).path("message");
    }
  }

  private static final Balancer A = new Balancer(STACK + "_lb-a", 5071, 5072);
  private static final Balancer B = new Balancer(STACK + "_lb-b", 5073, 5074);

  @BeforeAll
  static void twoBalancersOnASwarm() {
    swarm = Swarm.up(FLEET);
    Map<String, String> environment = Map.of(
        "RINGLB_VERSION", System.getProperty("ringlb.version"), "RINGLB_NETWORK", NETWORK, "RINGLB_FLEET", FLEET,
        "RINGLB_A_PORT", "5071", "RINGLB_A_ADMIN_PORT", "5072", "RINGLB_B_PORT", "5073", "RINGLB_B_ADMIN_PORT", "5074",
        "LB_KEY", "query:key", "LB_HEARTBEAT_INTERVAL_MS", Long.toString(HEARTBEAT.toMillis()));
    Docker.Result deployed = Docker.run(environment, List.of("docker", "stack", "deploy", "-c", System.getProperty("stack.file"), STACK));
    assertThat(deployed.exit()).as("stack deploy: %s", deployed.output()).isZero();
  }

  /** As the stack file says: the replicas first, which the balancers leave running, then the stack. */
  @AfterAll
  static void leaveNothingBehind() {
    swarm.removeServices();
    Swarm.removeStack(STACK);
    swarm.down(NETWORK);
    assertThat(Docker.docker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name")).as("task containers").isEmpty();
    assertThat(Docker.docker("network", "ls", "-q", "--filter", "name=^" + NETWORK + "$")).as("the overlay network").isEmpty();
  }

  @BeforeEach
  void bothBalancersHaveTheThreeReplicasInTheirRings() {
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250))
        .until(() -> balancers().stream().allMatch(balancer -> up(balancer).equals(Set.of("S1", "S2", "S3"))));
  }

  @Test
  void bothRouteEachOf1000KeysToTheSameReplica() {
    List<Balancer> both = balancers();

    Map<Integer, String> first = replicaPerKey(both.get(0));
    Map<Integer, String> second = replicaPerKey(both.get(1));

    assertThat(second).isEqualTo(first);
    assertThat(new TreeSet<>(first.values())).containsExactly("S1", "S2", "S3");
    assertThat(replicaServices()).as("the two started together, and three services came of it").containsExactly("S1", "S2", "S3");
  }

  @Test
  void aChangeThroughOneIsInTheOthersRingWithinAHeartbeatInterval() {
    List<Balancer> both = balancers();
    Balancer one = both.get(0);
    Balancer other = both.get(1);

    assertThat(ApiJson.replicas(one.api().send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S7\"]}").body()).n()).isEqualTo(4);
    long added = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> up(other).contains("S7"));
    Duration seen = Duration.ofNanos(System.nanoTime() - added);
    assertThat(replicaPerKey(other)).isEqualTo(replicaPerKey(one));

    assertThat(ApiJson.replicas(other.api().send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S7\"]}").body()).n()).isEqualTo(3);
    System.out.printf("[swarm] S7 added through one balancer: in the other's ring %d ms after the answer%n", seen.toMillis());
    assertThat(up(one)).as("out of the first's ring before the second's /rm answered").doesNotContain("S7");
    assertThat(seen).as("within a heartbeat interval").isLessThan(HEARTBEAT);
    assertThat(replicaServices()).containsExactly("S1", "S2", "S3");
  }

  @Test
  void aKilledReplicaTaskIsHealedBySwarmWhileNoRequestFails() throws Exception {
    List<Balancer> both = balancers();
    String service = Docker.docker("service", "inspect", "-f", "{{.ID}}", "S2");
    List<String> failures = new CopyOnWriteArrayList<>();
    LongAdder answered = new LongAdder();
    AtomicBoolean loading = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int client = 0; client < 4; client++) {
      Balancer through = both.get(client % 2);
      clients.execute(() -> {
        while (loading.get()) {
          URI home = through.api().data().resolve("/home?key=" + ThreadLocalRandom.current().nextInt(1_000));
          try {
            HttpResponse<String> response = through.api().http().send(HttpRequest.newBuilder(home).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              failures.add(home + ": " + response.statusCode() + " " + response.body());
            }
          } catch (Exception e) {
            failures.add(home + ": " + e);
          }
          answered.increment();
        }
      });
    }
    try {
      Thread.sleep(1_000);
      Docker.docker("kill", Swarm.container("S2"));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> both.stream().noneMatch(b -> up(b).contains("S2")));
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> both.stream().allMatch(b -> up(b).contains("S2")));
      Thread.sleep(1_000);
    } finally {
      loading.set(false);
      clients.shutdown();
      clients.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    System.out.printf("[swarm] S2's task killed under load through both balancers: %d requests, %d failed%n", answered.sum(), failures.size());
    assertThat(failures).as("requests a client saw fail").isEmpty();
    assertThat(Docker.docker("service", "inspect", "-f", "{{.ID}}", "S2")).as("the same service: no balancer replaced it").isEqualTo(service);
    assertThat(Swarm.tasks("S2")).as("the task Swarm restarted, and the one killed").hasSize(2);
    assertThat(events(both.get(0))).contains("down S2", "replaced S2");
    assertThat(replicaPerKey(both.get(1))).isEqualTo(replicaPerKey(both.get(0)));
  }

  @Test
  void aRestartedBalancerAdoptsTheReplicasItFinds() {
    Map<String, String> services = new HashMap<>();
    for (String name : replicaServices()) {
      services.put(name, Docker.docker("service", "inspect", "-f", "{{.ID}}", name));
    }
    String killed = Swarm.container(A.service());

    Docker.docker("kill", killed);
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250))
        .until(() -> !Swarm.container(A.service()).isEmpty() && !Swarm.container(A.service()).equals(killed)
            && balancers().stream().allMatch(balancer -> up(balancer).equals(Set.of("S1", "S2", "S3"))));

    for (String name : replicaServices()) {
      assertThat(Docker.docker("service", "inspect", "-f", "{{.ID}}", name)).as("the same service " + name).isEqualTo(services.get(name));
    }
    // each join also tells what it moved ("ring" events); of the replicas, the balancer only saw them join
    assertThat(events(A)).filteredOn(event -> !event.startsWith("ring ")).as("adopted at its start: it added nothing, not even a service that was there")
        .containsOnly("joined S1", "joined S2", "joined S3");
    assertThat(replicaServices()).containsExactly("S1", "S2", "S3");
    List<Balancer> both = balancers();
    assertThat(replicaPerKey(both.get(1))).isEqualTo(replicaPerKey(both.get(0)));
  }

  private static List<Balancer> balancers() {
    return List.of(A, B);
  }

  /** The replica services of the fleet, by name, sorted. */
  private static List<String> replicaServices() {
    return Docker.docker("service", "ls", "--filter", "label=io.ringlb.balancer=" + FLEET, "--format", "{{.Name}}").lines().sorted().toList();
  }

  /** Which replica answers each of 1,000 keys through the balancer. */
  private Map<Integer, String> replicaPerKey(Balancer balancer) {
    Map<Integer, String> replicas = new HashMap<>();
    for (int key = 0; key < 1_000; key++) {
      String body = balancer.api().get("/home?key=" + key).body();
      replicas.put(key, ApiJson.server(body).orElse(body));
    }
    return replicas;
  }

  /** The replicas in the balancer's ring, from its {@code /fleet}; empty while it does not answer. */
  private Set<String> up(Balancer balancer) {
    Set<String> up = new TreeSet<>();
    try {
      for (JsonNode replica : balancer.fleet().path("replicas")) {
        if (replica.path("up").asBoolean()) {
          up.add(replica.path("name").asText());
        }
      }
    } catch (Exception | AssertionError notYet) {
      return Set.of();
    }
    return up;
  }

  /** The balancer's recent fleet events, as "kind replica". */
  private List<String> events(Balancer balancer) {
    List<String> events = new ArrayList<>();
    try {
      for (JsonNode event : balancer.fleet().path("events")) {
        events.add(event.path("kind").asText() + " " + event.path("replica").asText());
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return events;
  }
}
