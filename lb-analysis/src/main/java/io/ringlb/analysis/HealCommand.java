package io.ringlb.analysis;

import io.ringlb.client.ApiJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a killed or hung replica takes to serve again, timed from outside: requests flow at a
 * steady rate through the balancer, a replica is killed through its provider (SIGKILL or {@code
 * docker kill}) or hung (SIGSTOP or {@code docker pause}), and the clock stops at the first
 * request sent after the fault that the victim's successor answers. Every request's time to its
 * answer is kept too, since a hung replica costs clients time rather than errors. Repeated, so the
 * figures come with their spread. It starts its own balancer on Liberty, or measures one already
 * running at {@code --url} (the README's {@code ./run.sh}, Docker Compose).
 */
@Command(name = "heal", mixinStandardHelpOptions = true,
    description = "Kills or hangs replicas under a steady load and times, from outside, until each one's replacement serves again.")
final class HealCommand implements Callable<Integer> {


  @Option(names = "--wlp", defaultValue = "lb-webapp/target/liberty/wlp", description = "the built balancer server (default: ${DEFAULT-VALUE})")
  Path wlp;

  @Option(names = "--war", defaultValue = "lb-webapp/target/lb-webapp.war", description = "the balancer WAR (default: ${DEFAULT-VALUE})")
  Path war;

  @Option(names = "--provider", defaultValue = "process", description = "how replicas run: process or docker (default: ${DEFAULT-VALUE})")
  String provider;

  @Option(names = "--kills", defaultValue = "5", description = "replicas killed, one after another (default: ${DEFAULT-VALUE})")
  int killCount;

  @Option(names = "--fault", defaultValue = "kill", description = "kill (SIGKILL, docker kill) or hang (SIGSTOP, docker pause) (default: ${DEFAULT-VALUE})")
  String fault;

  @Option(names = "--url", description = "measure the balancer already running there (./run.sh) instead of starting one; --provider is then ignored")
  java.net.URI url;

  @Option(names = "--admin-url", description = "its admin endpoint (default: port 5001 of --url's host)")
  java.net.URI adminUrl;

  @Option(names = "--slow-ms", defaultValue = "1500", description = "an answer slower than this counts as slow (default: ${DEFAULT-VALUE})")
  long slowMillis;

  @Option(names = "--settle-ms", defaultValue = "3000",
      description = "the wait before each fault, for the last replacement to warm up and the next spare to start (default: ${DEFAULT-VALUE})")
  long settleMillis;

  @Option(names = "--rate", defaultValue = "200", description = "requests a second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--out", defaultValue = "target/analysis/heal", description = "where heal.csv goes (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--set", description = "an lb.* property for the balancer, e.g. --set lb.heartbeat.interval-ms=250")
  Map<String, String> settings = new LinkedHashMap<>();

  private final Progress progress = new Progress(System.out, "heal");

  /** One kill: when, and seconds from it to the replica leaving the ring, rejoining it, and answering a request. */
  private record Outage(String victim, long killedAt, double outOfRing, double inRing, double serving) {}

  /** One kill with the requests sent between it and the next kill that failed, were slow, and the slowest's seconds. */
  private record Heal(String victim, double outOfRing, double inRing, double serving, long failed, long slow, double slowest) {}

  /** One request: when it was sent and how long its answer, or failure, took. */
  private record Timed(long sentAt, long tookNanos) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Map<String, String> properties = new LinkedHashMap<>(Map.of("lb.provider", provider, "lb.replicas", "3"));
    properties.putAll(settings);
    boolean hang = switch (fault) {
      case "kill" -> false;
      case "hang" -> true;
      default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--fault: kill or hang, was " + fault);
    };
    String measured = url != null ? "balancer at " + url : provider + " provider";
    if (url == null) {
      progress.step("starting the balancer with %s", properties);
    }
    List<Outage> kills = new ArrayList<>();
    Queue<Long> failedSentAt = new ConcurrentLinkedQueue<>();
    Queue<Timed> timed = new ConcurrentLinkedQueue<>();
    try (LiveBalancer balancer = url != null ? LiveBalancer.at(url, adminUrl, null) : LiveBalancer.start(wlp, war, properties, out.resolve("balancer.log"))) {
      balancer.awaitInRing(3, Duration.ofMinutes(4));
      progress.step("3 replicas in the ring; %d requests a second from now on", rate);
      // per replica: when each request it answered was sent, so the first after a fault is found however late it is looked for
      Map<String, NavigableSet<Long>> answeredSentAt = new ConcurrentHashMap<>();
      long loadStarted = System.nanoTime();
      SteadyLoad load = SteadyLoad.start(balancer.http(), balancer.data().resolve("/home"), rate, (sentAt, response, error) -> {
        timed.add(new Timed(sentAt, System.nanoTime() - sentAt));
        Optional<String> server = error == null && response.statusCode() == 200 ? ApiJson.server(response.body()) : Optional.empty();
        if (server.isPresent()) {
          answeredSentAt.computeIfAbsent(server.get(), name -> new ConcurrentSkipListSet<>()).add(sentAt);
        } else {
          failedSentAt.add(sentAt);
          // what a failure was, and when, is what finds its cause in the balancer's log
          progress.step("a request sent %.2f s into the load failed after %.2f s: %s", (sentAt - loadStarted) / 1e9,
              (System.nanoTime() - sentAt) / 1e9, error != null ? error : response.statusCode() + " " + response.body());
        }
      });
      try (load) {
        for (int k = 0; k < killCount; k++) {
          String victim = "S" + (k % 3 + 1);
          LiveBalancer.sleep(settleMillis); // the last replacement warms up, the machine settles
          long killedAt = System.nanoTime();
          String how = hang ? Kill.hang(victim, LiveBalancer.replicasDir(wlp)) : Kill.replica(victim, LiveBalancer.replicasDir(wlp));
          progress.step("%s %s %.2f s into the load", victim, hang ? "hung" : "killed", (killedAt - loadStarted) / 1e9);
          // an answer to a request sent before the kill took effect may still come from the victim itself
          long deadAt = System.nanoTime();
          long outAt = 0;
          long inAt = 0;
          long serving = 0;
          while (serving == 0 || inAt == 0) {
            long now = System.nanoTime();
            if (now - killedAt > 120_000_000_000L) {
              throw new IllegalStateException(victim + " did not serve again within 120 s of the kill");
            }
            int inRing = balancer.inRing().orElse(-1);
            if (outAt == 0 && inRing >= 0 && inRing < 3) {
              outAt = now;
            } else if (outAt != 0 && inAt == 0 && inRing == 3) {
              inAt = now;
            }
            Long firstAfter = answeredSentAt.getOrDefault(victim, new ConcurrentSkipListSet<>()).higher(deadAt);
            if (firstAfter != null) {
              serving = firstAfter;
            }
            LiveBalancer.sleep(10);
          }
          Outage kill = new Outage(victim, killedAt, seconds(outAt, killedAt), seconds(inAt, killedAt), seconds(serving, killedAt));
          kills.add(kill);
          progress.step("%s (%s): out of the ring after %.2f s, back in after %.2f s, serving again after %.2f s",
              victim, how, kill.outOfRing(), kill.inRing(), kill.serving());
        }
        LiveBalancer.sleep(3_000); // the last kill's failures, if any, are counted over as long as the others'
      }
      if (!load.awaitAnswers(Duration.ofSeconds(40))) {
        progress.step("some requests were still unanswered 40 s after the load stopped");
      }
    }
    List<Heal> heals = new ArrayList<>();
    for (int k = 0; k < kills.size(); k++) {
      Outage kill = kills.get(k);
      long from = kill.killedAt();
      long until = k + 1 < kills.size() ? kills.get(k + 1).killedAt() : Long.MAX_VALUE;
      long failed = failedSentAt.stream().filter(at -> at - from >= 0 && at - until < 0).count();
      List<Timed> during = timed.stream().filter(t -> t.sentAt() - from >= 0 && t.sentAt() - until < 0).toList();
      long slow = during.stream().filter(t -> t.tookNanos() > slowMillis * 1_000_000).count();
      double slowest = during.stream().mapToLong(Timed::tookNanos).max().orElse(0) / 1e9;
      heals.add(new Heal(kill.victim(), kill.outOfRing(), kill.inRing(), kill.serving(), failed, slow, slowest));
    }
    long failedBeforeKills = failedSentAt.stream().filter(at -> kills.isEmpty() || at - kills.get(0).killedAt() < 0).count();
    Spread serving = Spread.of(heals.stream().map(Heal::serving).toList());
    Spread outOfRing = Spread.of(heals.stream().map(Heal::outOfRing).toList());
    Spread slowest = Spread.of(heals.stream().map(Heal::slowest).toList());
    long slow = heals.stream().mapToLong(Heal::slow).sum();
    progress.step("%s, %d %s under %d requests/s: serving again %s s after the fault; out of the ring after %s s; %d requests failed"
        + " (%d of them before the first fault); the slowest answer after each fault %s s, %d answers over %d ms", measured, heals.size(),
        hang ? "hangs" : "kills", rate, serving.format("%.2f"), outOfRing.format("%.2f"), failedSentAt.size(), failedBeforeKills,
        slowest.format("%.2f"), slow, slowMillis);
    List<String> lines = new ArrayList<>(List.of("victim,out_of_ring_s,in_ring_s,serving_s,failed_requests,slow_requests,slowest_s"));
    heals.forEach(h -> lines.add(String.format("%s,%.3f,%.3f,%.3f,%d,%d,%.3f", h.victim(), h.outOfRing(), h.inRing(), h.serving(), h.failed(),
        h.slow(), h.slowest())));
    Files.write(out.resolve("heal-" + (url != null ? "url" : provider) + "-" + fault + ".csv"), lines);
    return 0;
  }

  private static double seconds(long at, long since) {
    return at == 0 ? Double.NaN : (at - since) / 1e9;
  }
}
