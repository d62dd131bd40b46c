package io.ringlb.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringlb.client.ApiJson;
import io.ringlb.client.RinglbClient;
import io.ringlb.core.tls.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Docker setup, for real: docker-compose.yml brings up the balancer image, which
 * starts replica containers on its network through the Docker socket; docker-compose.tls.yml mounts its
 * certificate.
 */
class ComposeIT {

  /**
   * The label value that marks its balancer's containers, their names' prefix and their network: not run.sh's ({@code
   * ringlb}, {@code S}, {@code net1}) nor DockerProviderIT's, so that neither meets what another left or runs.
   */
  private static final String FLEET = "ringlb-compose-it";
  private static final String NETWORK = "ringlb-compose-it-net";
  private static final String OURS = "io.ringlb.balancer=" + FLEET;
  /**
   * The balancer's container: not run.sh's {@code ringlb-balancer}, which a run stopped with Ctrl-C leaves behind under
   * its own project, where compose cannot take it over.
   */
  private static final String BALANCER = "ringlb-balancer-it";
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(40);
  private static final Map<String, String> ENV = Map.ofEntries(
      Map.entry("RINGLB_CONTAINER", BALANCER), Map.entry("RINGLB_PORT", "5066"), Map.entry("RINGLB_ADMIN_PORT", "5067"),
      Map.entry("RINGLB_TLS_PORT", "5068"), Map.entry("RINGLB_VERSION", System.getProperty("ringlb.version")), Map.entry("LB_REPLICAS", "3"),
      Map.entry("LB_PROVIDER_DOCKER_BALANCER", FLEET), Map.entry("LB_NAME_PREFIX", "C"), Map.entry("RINGLB_NETWORK", NETWORK),
      // how it balances comes from the caller's environment, as README's LB_BALANCE_FACTOR=125 ./run.sh does
      Map.entry("LB_KEY", "query:key"), Map.entry("LB_WEIGHTS", "C1=3"),
      // far above what a replacement takes on a busy machine, so that waiting it out cannot pass for a replacement
      Map.entry("LB_FORWARD_TIMEOUT_MS", Long.toString(FORWARD_TIMEOUT.toMillis())),
      Map.entry("LB_TLS_RELOAD_INTERVAL_MS", "500"));
  private static final String THREE = "{\"message\":{\"N\":3,\"replicas\":[\"C1\",\"C2\",\"C3\"]},\"status\":\"successful\"}";
  /** The names of the balancer's spare containers, before their number. */
  private static final String SPARE = FLEET + "_spare_";

  /** The directory docker-compose.tls.yml mounts, its certificate and key as tls.crt and tls.key, and the certificate first served from it. */
  @TempDir
  static Path tls;
  private static TestCertificates first;

  private final RinglbClient lb = new RinglbClient(URI.create("http://127.0.0.1:5066"), URI.create("http://127.0.0.1:5067"), null, Duration.ofSeconds(180));

  private static Docker.Result compose(String... args) {
    List<String> command = new ArrayList<>(Docker.compose());
    Path file = Path.of(System.getProperty("compose.file"));
    command.addAll(List.of("-p", "ringlb-it", "-f", file.toString(), "-f", file.resolveSibling("docker-compose.tls.yml").toString()));
    command.addAll(List.of(args));
    Map<String, String> environment = new HashMap<>(ENV);
    environment.put("RINGLB_TLS_DIR", tls.toString());
    return Docker.run(environment, command);
  }

  @BeforeAll
  static void up() throws Exception {
    first = TestCertificates.make(tls.resolve("first"), "first");
    serve(first);
    // made beforehand, as run.sh and docker-compose.yml's header make net1: docker-compose 1.29 would make it attachable (one
    // an earlier run left is used as found, and anEngineThatLeavesASwarmLeavesTheSystemServing tells if it is)
    Docker.run(Map.of(), List.of("docker", "network", "create", "--label", "com.docker.compose.project=ringlb-it", "--label",
        "com.docker.compose.network=net1", NETWORK));
    Docker.Result up = compose("up", "-d");
    assertThat(up.exit()).as("compose up: %s", up.output()).isZero();
  }

  @AfterAll
  static void downLeavesNothingBehind() {
    Docker.Result down = compose("down");
    assertThat(down.exit()).as("compose down: %s", down.output()).isZero();
    assertThat(Docker.docker("ps", "-aq", "--filter", "label=" + OURS)).as("replica containers after down").isEmpty();
    assertThat(Docker.docker("ps", "-aq", "--filter", "name=^" + BALANCER + "$")).as("the balancer after down").isEmpty();
    assertThat(Docker.docker("network", "ls", "-q", "--filter", "name=^" + NETWORK + "$")).as("its network after down").isEmpty();
  }

  @BeforeEach
  void threeReplicasInTheRing() {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> lb.inRing().orElse(-1) == 3);
  }

  @Test
  void bothPortsArePublishedTheApiOnEach() {
    assertThat(lb.get("/rep").body()).isEqualTo(THREE);
    assertThat(lb.send(lb.admin(), "GET", "/rep", null).body()).isEqualTo(THREE);
    assertThat(lb.get("/health/ready").body()).as("the data port passes /health to a replica").doesNotContain("inRing");
  }

  /** The balancer's containers that are replicas: not its spare, which has no name yet. */
  private static List<String> replicas(String... psOptions) {
    List<String> command = new ArrayList<>(List.of("ps"));
    command.addAll(List.of(psOptions));
    command.addAll(List.of("--filter", "label=" + OURS, "--format", "{{.Names}} {{.Networks}}"));
    return Docker.docker(command.toArray(String[]::new)).lines().filter(line -> !line.startsWith(SPARE)).sorted().toList();
  }

  @Test
  void composeBringsUpAWorkingSystem() {
    assertThat(lb.get("/rep").body()).isEqualTo(THREE);
    String home = lb.get("/home").body();
    String server = ApiJson.server(home).orElseThrow();
    assertThat(server).isIn("C1", "C2", "C3");
    assertThat(home).isEqualTo("{\"message\":\"Hello from Server: " + server + "\",\"status\":\"successful\"}");
    assertThat(replicas()).containsExactly("C1 " + NETWORK, "C2 " + NETWORK, "C3 " + NETWORK);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Docker.docker("ps", "--filter", "label=" + OURS, "--format", "{{.Names}}"))
        .as("a spare, started ahead for the next replacement").contains(SPARE));
  }

  /**
   * The Swarm tests make the engine a swarm node for their run, and a node that leaves its swarm
   * disconnects every container from every attachable network, which docker-compose 1.29 makes
   * every network it creates: a system run.sh had brought up lost its replicas' addresses and its
   * published ports to the test suite run beside it. Its network, made beforehand, is not attachable.
   */
  @Test
  void anEngineThatLeavesASwarmLeavesTheSystemServing() {
    assertThat(Docker.docker("network", "inspect", "-f", "{{.Attachable}}", NETWORK)).isEqualTo("false");
    Swarm.up(FLEET + "-swarm").down();

    assertThat(replicas()).as("still on their network").containsExactly("C1 " + NETWORK, "C2 " + NETWORK, "C3 " + NETWORK);
    assertThat(Docker.docker("inspect", "-f", "{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{$n.IPAddress}}{{end}}", BALANCER))
        .as("the balancer on it, with an address").startsWith(NETWORK + " ").isNotEqualTo(NETWORK + " ");
    assertThat(lb.get("/rep").body()).as("through the published port").isEqualTo(THREE);
  }

  @Test
  void theCallersBalancingSettingsReachTheBalancer() {
    Map<String, Integer> perReplica = new ConcurrentHashMap<>();
    for (int key = 0; key < 2_000; key++) {
      String body = lb.get("/home?key=" + key).body();
      perReplica.merge(ApiJson.server(body).orElse(body), 1, Integer::sum);
    }
    String first = lb.get("/home?key=42").body();
    for (int again = 0; again < 20; again++) {
      assertThat(lb.get("/home?key=42").body()).as("LB_KEY=query:key: one key, one replica").isEqualTo(first);
    }
    System.out.printf("[compose] 2,000 keys over C1=3, C2=1, C3=1: %s%n", perReplica);
    assertThat(perReplica.get("C1")).as("LB_WEIGHTS=C1=3: three fifths of the keys, within 5 points of 1,200").isBetween(1_100, 1_300);
  }

  @Test
  void addAndRmCreateAndRemoveContainers() {
    assertThat(ApiJson.replicas(lb.send("POST", "/add", "{\"n\": 2, \"hostnames\": [\"C5\"]}").body()).n()).isEqualTo(5);
    assertThat(replicas()).containsExactly("C1 " + NETWORK, "C2 " + NETWORK, "C3 " + NETWORK, "C4 " + NETWORK, "C5 " + NETWORK);

    assertThat(lb.send("DELETE", "/rm", "{\"n\": 2, \"hostnames\": [\"C5\", \"C4\"]}").body()).isEqualTo(THREE);
    assertThat(replicas("-a")).containsExactly("C1 " + NETWORK, "C2 " + NETWORK, "C3 " + NETWORK);
  }

  @Test
  void killedAndPausedReplicasAreReplacedWhileNoRequestFails() throws Exception {
    List<String> failures = new CopyOnWriteArrayList<>();
    Map<String, LongAdder> perReplica = new ConcurrentHashMap<>();
    LongAdder sent = new LongAdder();
    LongAdder answered = new LongAdder();
    LongAccumulator slowestMillis = new LongAccumulator(Math::max, 0);
    HttpRequest home = HttpRequest.newBuilder(lb.data().resolve("/home")).timeout(FORWARD_TIMEOUT.multipliedBy(2)).build();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    load.scheduleAtFixedRate(() -> {
      sent.increment();
      long sentAt = System.nanoTime();
      lb.http().sendAsync(home, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        slowestMillis.accumulate((System.nanoTime() - sentAt) / 1_000_000);
        if (failure != null || response.statusCode() != 200) {
          failures.add(failure != null ? failure.toString() : response.statusCode() + " " + response.body());
        } else {
          perReplica.computeIfAbsent(ApiJson.server(response.body()).orElse(response.body()), name -> new LongAdder()).increment();
        }
        answered.increment();
      });
    }, 0, 5, TimeUnit.MILLISECONDS);
    try {
      Thread.sleep(1_000);
      replaceAfter("kill", "C2");
      replaceAfter("pause", "C3");
      perReplica.clear();
      Thread.sleep(2_000);
    } finally {
      load.shutdown();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> answered.sum() == sent.sum());

    System.out.printf("[compose] %d requests at 200/s, %d failed, the slowest answered after %d ms; after both replacements: %s%n", sent.sum(),
        failures.size(), slowestMillis.get(), perReplica);
    assertThat(failures).as("requests a client saw fail").isEmpty();
    // the paused replica leaves the ring within about a second and its requests go on at once; before, they waited out
    // lb.forward.timeout-ms. The bound tells the two apart; on new 2-core machines the slowest answer read 6.4 s in two runs
    // of four while a replacement container booted, 0.6 to 3.6 s in seventeen others
    assertThat(slowestMillis.get()).as("the slowest answer, in ms").isLessThan(FORWARD_TIMEOUT.dividedBy(2).toMillis());
    assertThat(perReplica).containsKeys("C1", "C2", "C3");
    assertThat(lb.get("/rep").body()).isEqualTo(THREE);
  }

  private void replaceAfter(String action, String name) {
    // the replacement is to be the spare; the one the replacement before took is started again behind it, in its own time
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> !Docker.docker("ps", "-q", "--filter", "name=^" + SPARE, "--filter", "status=running").isEmpty());
    String before = Docker.docker("ps", "-q", "--no-trunc", "--filter", "name=^" + name + "$");
    long at = System.nanoTime();
    if (action.equals("pause")) {
      Docker.pause(name);
    } else {
      Docker.docker(action, name);
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> lb.inRing().orElse(-1) == 2);
    long detected = System.nanoTime();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> lb.inRing().orElse(-1) == 3);
    long replaced = System.nanoTime();
    String after = Docker.docker("ps", "-q", "--no-trunc", "--filter", "name=^" + name + "$");
    System.out.printf("[compose] docker %s %s: out of the ring after %d ms, a new container in it after %d ms%n",
        action, name, (detected - at) / 1_000_000, (replaced - at) / 1_000_000);
    assertThat(after).as("a new container for " + name).isNotEmpty().isNotEqualTo(before);
    assertThat(Docker.docker("inspect", "-f", "{{index .Config.Labels \"io.ringlb.spare\"}}", name)).as(name + " is the spare, renamed").isEqualTo("true");
  }

  @Test
  void tlsServesTheMountedCertificateOverHttp2AndARotatedOneToNewConnections() throws Exception {
    TestCertificates second = TestCertificates.make(tls.resolve("second"), "second");
    SSLContext trusting = TestCertificates.trusting(List.of(first, second));
    try (HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2).build()) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:5068/rep")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.version()).as("HTTP/2, chosen by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(answer.body()).isEqualTo(THREE);
    }
    assertThat(servedSubject(trusting)).isEqualTo("CN=first");

    assertThat(Docker.docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", BALANCER).lines())
        .as("docker-compose.yml passes the caller's reload interval on").contains("LB_TLS_RELOAD_INTERVAL_MS=500");
    serve(second); // as cert-manager rotates one: new files in the mounted directory, read within LB_TLS_RELOAD_INTERVAL_MS
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> servedSubject(trusting).equals("CN=second"));
  }

  /**
   * docker-compose.tls-pkcs12.yml in place of docker-compose.tls.yml, as run.sh puts it for {@code LB_TLS_KEYSTORE}: the
   * balancer is given the keystore in the mounted directory and its password, and no PEM file beside it, which it would
   * refuse. Read from compose's own view of the two files merged ({@code config}); no container is made for it.
   */
  @Test
  void aPkcs12KeystoreIsMountedAndNamedInPlaceOfThePemPair() {
    List<String> command = new ArrayList<>(Docker.compose());
    Path file = Path.of(System.getProperty("compose.file"));
    command.addAll(List.of("-p", "ringlb-it-pkcs12", "-f", file.toString(), "-f", file.resolveSibling("docker-compose.tls-pkcs12.yml").toString(), "config"));
    Map<String, String> environment = new HashMap<>(ENV);
    environment.putAll(Map.of("RINGLB_TLS_DIR", tls.toString(), "RINGLB_TLS_KEYSTORE", "served.p12", "LB_TLS_KEYSTORE_PASSWORD", "opens-it"));

    Docker.Result config = Docker.run(environment, command);

    assertThat(config.exit()).as("compose config: %s", config.output()).isZero();
    // the environment as a map in compose 1.29's output and in Compose v2's, which quotes every value; ports and volumes differ
    // in form between them
    assertThat(config.output().lines().map(line -> line.strip().replace("\"", ""))).contains("LB_TLS_PORT: 5443", "LB_TLS_KEYSTORE: /tls/served.p12",
        "LB_TLS_KEYSTORE_PASSWORD: opens-it").noneMatch(line -> line.startsWith("LB_TLS_CERTIFICATE") || line.startsWith("LB_TLS_KEY:"));
    assertThat(config.output()).as("the keystore's directory mounted").contains(tls.toString()).contains("5068");
  }

  /** Puts {@code made}'s key and certificate where docker-compose.tls.yml has the balancer read them. */
  private static void serve(TestCertificates made) throws IOException {
    Files.copy(made.key(), tls.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(made.certificate(), tls.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The subject of the certificate a new TLS connection to the data plane is served. */
  private static String servedSubject(SSLContext trusting) throws IOException {
    try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", 5068)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return TestCertificates.subject(socket.getSession().getPeerCertificates()[0]);
    }
  }

  @Test
  void aBalancerThatCrashedAdoptsItsReplicasOnRestart() {
    List<String> before = Docker.containers(OURS);

    Docker.docker("kill", BALANCER);
    Docker.docker("start", BALANCER);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> lb.inRing().orElse(-1) == 3);

    assertThat(Docker.containers(OURS)).as("the same containers, none started anew").isEqualTo(before);
    assertThat(lb.get("/rep").body()).isEqualTo(THREE);
  }
}
