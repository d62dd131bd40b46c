package io.ringlb.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedLoadRingTest {

  private final Loads loads = new Loads();
  private final HashRing modulo = ModuloRing.of("S1", "S2", "S3");

  private void inFlight(String name, int requests) {
    Replica replica = new Replica(name, 0, "127.0.0.1", 1);
    for (int i = 0; i < requests; i++) {
      loads.begin(replica);
    }
  }

  @Test
  void belowTheBoundTheRingsOwnOrderStands() {
    HashRing bounded = new BoundedLoadRing(modulo, loads, 125);
    inFlight("S1", 1);
    inFlight("S2", 1);
    inFlight("S3", 1); // with the next request: bound ceil(1.25 x 4 / 3) = 2, and S1 would have 2

    assertThat(bounded.candidates(0, 3)).isEqualTo(modulo.candidates(0, 3));
    assertThat(bounded.route(4)).isEqualTo(modulo.route(4));
  }

  @Test
  void aReplicaAtTheBoundIsSkippedForTheNextInRingOrder() {
    HashRing bounded = new BoundedLoadRing(modulo, loads, 125);
    inFlight("S1", 2); // with the next request: 3 in flight over 3 replicas, bound ceil(1.25 x 1) = 2, and S1 would have 3

    assertThat(bounded.candidates(0, 3)).extracting(Replica::name).containsExactly("S2", "S1", "S3");
    assertThat(bounded.candidates(0, 2)).extracting(Replica::name).containsExactly("S2", "S1");
    assertThat(bounded.route(0)).map(Replica::name).hasValue("S2");
    assertThat(bounded.route(1)).as("a key whose replica is under the bound stays").map(Replica::name).hasValue("S2");
  }

  @Test
  void theBoundIsTheFactorTimesTheAverageWithTheNextRequestRoundedUp() {
    BoundedLoadRing bounded = new BoundedLoadRing(modulo, loads, 125);

    assertThat(bounded.bound(0, 1, 3)).isEqualTo(1);
    assertThat(bounded.bound(29, 1, 3)).isEqualTo(13); // 1.25 x 30 / 3 = 12.5
    assertThat(bounded.bound(29, 2, 4)).as("weight 2 of 4").isEqualTo(19); // 1.25 x 30 x 2 / 4 = 18.75
    assertThat(new BoundedLoadRing(modulo, loads, 100).bound(5, 1, 3)).isEqualTo(2);
  }

  @Test
  void addingAndRemovingReplicasKeepsTheBound() {
    HashRing bounded = new BoundedLoadRing(ModuloRing.of("S1"), loads, 125).with(new Replica("S2", 2, "127.0.0.1", 2));
    inFlight("S1", 2); // with the next request: bound ceil(1.25 x 3 / 2) = 2, and S1 would have 3

    assertThat(bounded).isInstanceOf(BoundedLoadRing.class);
    assertThat(bounded.candidates(0, 2)).extracting(Replica::name).containsExactly("S2", "S1");
    assertThat(bounded.without("S2")).isInstanceOf(BoundedLoadRing.class);
    assertThat(bounded.without("S9").replicas()).isEqualTo(bounded.replicas());
  }

  @Test
  void aKeyWhoseFirstReplicasAreAllAtTheBoundGoesAsFarDownItsOrderAsItMust() {
    // names that sort as they count, so key 0's order is S01, S02, ..., S12
    HashRing twelve = ModuloRing.of("S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10", "S11", "S12");
    for (int i = 1; i <= 9; i++) {
      inFlight("S0" + i, 1); // with the next request: 10 in flight over 12, bound ceil(1.00 x 10 / 12) = 1, which S01..S09 would pass
    }
    HashRing bounded = new BoundedLoadRing(twelve, loads, 100);

    assertThat(bounded.route(0)).as("the tenth of key 0's order, past the first " + BoundedLoadRing.FIRST_LOOK + " looked at")
        .map(Replica::name).hasValue("S10");
    assertThat(bounded.candidates(0, 3)).extracting(Replica::name).containsExactly("S10", "S01", "S02");
  }

  @Test
  void aFactorBelowOneHundredPercentIsRefused() {
    assertThatThrownBy(() -> new BoundedLoadRing(modulo, loads, 99)).hasMessageContaining("at least 100");
  }

  @Test
  void aHeavierReplicaMayHoldMoreInProportionToItsWeight() {
    HashRing weighted = new ModuloRing(io.ringlb.api.ReplicaSet.empty())
        .with(new Replica("S1", 1, "127.0.0.1", 1), 2).with(new Replica("S2", 2, "127.0.0.1", 2)).with(new Replica("S3", 3, "127.0.0.1", 3));
    inFlight("S1", 3);
    inFlight("S2", 1);
    inFlight("S3", 1); // with the next: 6 in flight; S1's bound ceil(1.25 x 6 x 2 / 4) = 4, where unweighted it would be 3

    assertThat(new BoundedLoadRing(weighted, loads, 125).route(0)).map(Replica::name).hasValue("S1");
    assertThat(new BoundedLoadRing(modulo, loads, 125).route(0)).map(Replica::name).hasValue("S2");
  }

  @Test
  void threadsRoutingAHotKeyAtOnceNeverPutMoreThanTheBoundOnOneReplica() throws Exception {
    // as event loops do: each routes and counts its attempt, and holds it until all 8 have theirs; so the
    // total in flight never passes 8, nor any replica's bound ceil(1.25 x 8 / 3) = 4
    Router router = new Router(new BoundedLoadRing(modulo, loads, 125), 3, loads);
    int threads = 8;
    Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    AtomicInteger most = new AtomicInteger();
    CyclicBarrier together = new CyclicBarrier(threads);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      running.add(Thread.ofPlatform().start(() -> {
        try {
          for (int round = 0; round < 2_000; round++) {
            together.await(); // every round, all of them route at the same moment
            List<Replica> candidates = router.candidates(0);
            Replica chosen = candidates.get(router.begin(candidates, 0));
            AtomicInteger count = held.computeIfAbsent(chosen.name(), name -> new AtomicInteger());
            most.accumulateAndGet(count.incrementAndGet(), Math::max);
            together.await(); // held until every one has been admitted
            count.decrementAndGet();
            loads.end(chosen);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (Thread thread : running) {
      thread.join();
    }

    assertThat(most.get()).as("the most one replica held at once").isLessThanOrEqualTo(4);
    assertThat(loads.total()).isZero();
    assertThat(loads.of("S1") + loads.of("S2") + loads.of("S3")).isZero();
  }

  @Test
  void anAttemptTheBoundNoLongerAdmitsGoesToTheNextCandidateThatDoes() {
    BoundedLoadRing bounded = new BoundedLoadRing(modulo, loads, 125);
    List<Replica> order = bounded.candidates(0, 3); // S1 first while it is empty
    inFlight("S1", 2); // then another loop fills it: with the next, bound ceil(1.25 x 3 / 3) = 2, and S1 would have 3

    assertThat(bounded.admit(order, 0)).as("S2, the next in the order").isEqualTo(1);
    assertThat(loads.of("S1")).as("S1's count taken back").isEqualTo(2);
    assertThat(loads.of("S2")).isEqualTo(1);
    assertThat(loads.total()).isEqualTo(3);
  }
}
