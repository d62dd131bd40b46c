package io.ringlb.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a killed replica takes to serve again, timed from outside: requests flow at a steady
 * rate through the balancer, a replica is killed through its provider (SIGKILL or {@code docker
 * kill}), and the clock stops at the first request sent after the kill that the victim's
 * successor answers. Repeated, so the figure comes with its spread.
 */
@Command(name = "heal", mixinStandardHelpOptions = true,
    description = "Kills replicas under a steady load and times, from outside, until each one's replacement serves again.")
final class HealCommand implements Callable<Integer> {

  private static final Pattern SERVER = Pattern.compile("Hello from Server: ([A-Za-z0-9-]+)");

  @Option(names = "--wlp", defaultValue = "lb-webapp/target/liberty/wlp", description = "the built balancer server (default: ${DEFAULT-VALUE})")
  Path wlp;

  @Option(names = "--war", defaultValue = "lb-webapp/target/lb-webapp.war", description = "the balancer WAR (default: ${DEFAULT-VALUE})")
  Path war;

  @Option(names = "--provider", defaultValue = "process", description = "how replicas run: process or docker (default: ${DEFAULT-VALUE})")
  String provider;

  @Option(names = "--kills", defaultValue = "5", description = "replicas killed, one after another (default: ${DEFAULT-VALUE})")
  int killCount;

  @Option(names = "--rate", defaultValue = "200", description = "requests a second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--out", defaultValue = "target/analysis/heal", description = "where heal.csv goes (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--set", description = "an lb.* property for the balancer, e.g. --set lb.heartbeat.interval-ms=250")
  Map<String, String> settings = new LinkedHashMap<>();

  private final Progress progress = new Progress(System.out, "heal");

  /** One kill: when, and seconds from it to the replica leaving the ring, rejoining it, and answering a request. */
  private record Outage(String victim, long killedAt, double outOfRing, double inRing, double serving) {}

  /** One kill with the requests sent between it and the next kill that failed. */
  private record Heal(String victim, double outOfRing, double inRing, double serving, long failed) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Map<String, String> properties = new LinkedHashMap<>(Map.of("lb.provider", provider, "lb.replicas", "3"));
    properties.putAll(settings);
    progress.step("starting the balancer with %s", properties);
    List<Outage> kills = new ArrayList<>();
    Queue<Long> failedSentAt = new ConcurrentLinkedQueue<>();
    try (LiveBalancer balancer = LiveBalancer.start(wlp, war, properties, out.resolve("balancer.log"))) {
      balancer.awaitInRing(3, Duration.ofMinutes(4));
      progress.step("3 replicas in the ring; %d requests a second from now on", rate);
      Map<String, Long> lastAnswerAt = new ConcurrentHashMap<>(); // per replica: when the latest request it answered was sent
      long loadStarted = System.nanoTime();
      SteadyLoad load = SteadyLoad.start(balancer.http, balancer.base.resolve("/home"), rate, (sentAt, response, error) -> {
        Matcher server = error == null && response.statusCode() == 200 ? SERVER.matcher(response.body()) : null;
        if (server != null && server.find()) {
          lastAnswerAt.merge(server.group(1), sentAt, Math::max);
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
          LiveBalancer.sleep(3_000); // the last replacement warms up, the machine settles
          long killedAt = System.nanoTime();
          String how = Kill.replica(victim, LiveBalancer.replicasDir(wlp));
          progress.step("%s killed %.2f s into the load", victim, (killedAt - loadStarted) / 1e9);
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
            if (lastAnswerAt.getOrDefault(victim, 0L) > deadAt) {
              serving = lastAnswerAt.get(victim);
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
      heals.add(new Heal(kill.victim(), kill.outOfRing(), kill.inRing(), kill.serving(), failed));
    }
    long failedBeforeKills = failedSentAt.stream().filter(at -> kills.isEmpty() || at - kills.get(0).killedAt() < 0).count();
    Spread serving = Spread.of(heals.stream().map(Heal::serving).toList());
    Spread outOfRing = Spread.of(heals.stream().map(Heal::outOfRing).toList());
    progress.step("%s provider, %d kills under %d requests/s: serving again %s s after the kill; out of the ring after %s s; %d requests failed"
        + " (%d of them before the first kill)", provider, heals.size(), rate, serving.format("%.2f"), outOfRing.format("%.2f"),
        failedSentAt.size(), failedBeforeKills);
    List<String> lines = new ArrayList<>(List.of("victim,out_of_ring_s,in_ring_s,serving_s,failed_requests"));
    heals.forEach(h -> lines.add(String.format("%s,%.3f,%.3f,%.3f,%d", h.victim(), h.outOfRing(), h.inRing(), h.serving(), h.failed())));
    Files.write(out.resolve("heal-" + provider + ".csv"), lines);
    return 0;
  }

  private static double seconds(long at, long since) {
    return at == 0 ? Double.NaN : (at - since) / 1e9;
  }
}
