package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded loads through the real data plane, over real backends that answer slowly. */
class BoundedLoadsTest {

  private static final int CONCURRENT = 30;

  private final Backends backends = new Backends();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
  private final CountDownLatch allArrived = new CountDownLatch(CONCURRENT);
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    backends.close();
  }

  /** A replica that holds each request until all have arrived somewhere, and notes how many it held at once. */
  private InetSocketAddress slow(String name) {
    inFlight.put(name, new AtomicInteger());
    most.put(name, new AtomicInteger());
    HttpHandler home = exchange -> {
      most.get(name).accumulateAndGet(inFlight.get(name).incrementAndGet(), Math::max);
      allArrived.countDown();
      try {
        allArrived.await(10, TimeUnit.SECONDS);
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inFlight.get(name).decrementAndGet();
      byte[] body = ("Hello from " + name).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    };
    return backends.http(Map.of("/home", home));
  }

  /** Sends {@link #CONCURRENT} requests for one key at once; how many each replica answered. */
  private Map<String, Integer> hotKey() throws Exception {
    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      answers.add(clients.submit(() -> {
        try (RawClient client = new RawClient(proxy.port())) {
          return client.send("GET /home HTTP/1.1\r\nHost: x\r\nX-Key: 0\r\n\r\n").read().body();
        }
      }));
    }
    Map<String, Integer> answered = new HashMap<>();
    for (Future<String> answer : answers) {
      answered.merge(answer.get(30, TimeUnit.SECONDS), 1, Integer::sum);
    }
    clients.shutdown();
    return answered;
  }

  @Test
  void aHotKeyNeverHasMoreThanTheBoundInFlightOnOneReplica() throws Exception {
    // two event loops, each routing its clients' requests: an attempt is admitted, not only ordered, by the bound
    proxy = new ProxyFixture(List.of(slow("R0"), slow("R1"), slow("R2")), settings -> ProxyFixture.loops(settings, 2), 125);

    Map<String, Integer> answered = hotKey();

    int bound = (int) Math.ceil(1.25 * CONCURRENT / 3); // 13: the mean in flight is 10
    assertThat(answered.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CONCURRENT);
    assertThat(most.get("R0").get()).as("the hot key's own replica, filled to the bound").isEqualTo(bound);
    most.values().forEach(held -> assertThat(held.get()).isLessThanOrEqualTo(bound));
    assertThat(proxy.router.loads().total()).as("every request counted out as it ended").isZero();
  }

  @Test
  void withoutABoundTheHotKeysReplicaTakesEveryRequest() throws Exception {
    proxy = new ProxyFixture(List.of(slow("R0"), slow("R1"), slow("R2")), ProxyFixture::oneLoop);

    Map<String, Integer> answered = hotKey();

    assertThat(answered).containsExactly(Map.entry("Hello from R0", CONCURRENT));
    assertThat(most.get("R0").get()).isEqualTo(CONCURRENT);
  }
}
