package io.ringlb.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Router#explain}: where a key goes now, and why the replicas ahead of it in the strategy's own order are passed over. */
class KeyRouteTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Loads loads = new Loads();

  private Router router(HashRing strategy) {
    HashRing slow = new SlowStartRing(strategy, PERIOD, now::get);
    now.addAndGet(PERIOD.toNanos()); // the first replicas are warm
    return new Router(new BoundedLoadRing(slow, loads, 125), 3, loads);
  }

  @Test
  void aKeyWhoseReplicaTakesItIsPassedOverByNone() {
    Router router = router(ModuloRing.of("S1", "S2", "S3"));

    KeyRoute route = router.explain(1);

    assertThat(route.replica()).map(Replica::name).hasValue("S2");
    assertThat(route.candidates()).extracting(Replica::name).containsExactly("S2", "S3", "S1");
    assertThat(route.passedOver()).isEmpty();
  }

  @Test
  void aReplicaOverItsBoundIsPassedOverSayingItsLoadAndBound() {
    Router router = router(ModuloRing.of("S1", "S2", "S3"));
    Replica s1 = router.ring().replicas().asList().get(0);
    loads.begin(s1);
    loads.begin(s1); // with the next request: 3 in flight over 3 replicas, bound ceil(1.25 x 1) = 2, and S1 would have 3

    KeyRoute route = router.explain(0);

    assertThat(route.replica()).map(Replica::name).hasValue("S2");
    assertThat(route.passedOver()).containsExactly(new KeyRoute.PassedOver("S1",
        List.of("over the bounded-load limit: 2 requests in flight, at most 2 with the next (lb.balance-factor 125)")));
  }

  @Test
  void aWarmingReplicaIsPassedOverForAKeyItDoesNotTakeYetAndTakesItOnceWarm() {
    Router router = router(ModuloRing.of("S1", "S2", "S3"));
    router.update(ring -> ring.with(new Replica("S4", 4, "127.0.0.1", 4)));
    now.addAndGet(PERIOD.toNanos() / 4);
    long key = firstKeyS4DoesNotTakeYet(router);

    KeyRoute warming = router.explain(key);

    assertThat(warming.replica()).map(Replica::name).isNotEqualTo(java.util.Optional.of("S4"));
    assertThat(warming.passedOver()).containsExactly(new KeyRoute.PassedOver("S4",
        List.of("slow start: it takes 25 % of its keys now, not yet this one, and all in 7500 ms (lb.slow-start-ms)")));
    now.addAndGet(PERIOD.toNanos());
    assertThat(router.explain(key).replica()).map(Replica::name).hasValue("S4");
    assertThat(router.explain(key).passedOver()).isEmpty();
  }

  /** A key whose first choice in the strategy's order is S4 (3 mod 4) and whose point is past S4's ramp. */
  private static long firstKeyS4DoesNotTakeYet(Router router) {
    for (long key = 3; ; key += 4) {
      if (router.candidates(key).get(0).name().equals("S1")) {
        return key;
      }
    }
  }

  @Test
  void aKeptReplicaOutOfTheRingThatTheKeysOrderPutsFirstIsPassedOverAsOutOfTheRing() {
    Router router = router(ModuloRing.of("S1", "S2", "S3"));
    Replica down = new Replica("S4", 4, "0.0.0.0", 1);

    KeyRoute route = router.explain(3, Map.of(down, 1)); // with S4 in the ring, 3 mod 4: S4 first

    assertThat(route.replica()).map(Replica::name).hasValue("S1");
    assertThat(route.passedOver()).containsExactly(new KeyRoute.PassedOver("S4", List.of(Router.OUT_OF_RING)));
    assertThat(router.explain(1, Map.of(down, 1)).passedOver()).as("a key S4 would not take either way").isEmpty();
  }
}
