package io.ringlb.lb;

import static org.awaitility.Awaitility.await;

import io.ringlb.client.RinglbClient;
import java.net.URI;
import java.time.Duration;

/** The tests' view of the balancer under test, at the ports the build started it on: plain HTTP, as any client sees it. */
final class BalancerClient extends RinglbClient {

  /** The {@code lb.admin().token} the balancer under test runs with: every call here carries it, unless told otherwise. */
  static final String ADMIN_TOKEN = System.getProperty("lb.it.admin.token", "");

  BalancerClient() {
    super(URI.create("http://127.0.0.1:" + System.getProperty("lb.it.port", "5055")),
        URI.create("http://127.0.0.1:" + System.getProperty("lb.it.admin.port", "5056")), ADMIN_TOKEN, Duration.ofSeconds(180));
  }

  String rep() {
    return get("/rep").body();
  }

  /** Waits until {@code n} replicas are in the ring: replica processes take seconds to start. */
  void awaitInRing(int n) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> inRing().orElse(-1) == n);
  }
}
