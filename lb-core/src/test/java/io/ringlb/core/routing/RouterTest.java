package io.ringlb.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.HashRing;
import io.ringlb.api.Replica;
import io.ringlb.core.ModuloRing;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RouterTest {

  @Test
  void answersAtMostAttemptsDistinctCandidates() {
    Router router = new Router(ModuloRing.of("S1", "S2", "S3", "S4"), 3);

    List<Replica> candidates = router.candidates(5);

    assertThat(candidates).extracting(Replica::name).containsExactly("S2", "S3", "S4");
    assertThat(new Router(ModuloRing.of(), 3).candidates(5)).isEmpty();
  }

  @Test
  void updatePublishesANewRingAndLeavesTheOldOneAlone() {
    HashRing before = ModuloRing.of("S1", "S2");
    Router router = new Router(before, 2);

    HashRing after = router.update(ring -> ring.without("S1"));

    assertThat(router.ring()).isSameAs(after);
    assertThat(after.replicas().asList()).extracting(Replica::name).containsExactly("S2");
    assertThat(before.replicas().size()).isEqualTo(2);
  }

  @Test
  void concurrentUpdatesAreAllKeptAndReadersAlwaysSeeAWholeRing() throws Exception {
    Router router = new Router(ModuloRing.of(), 1);
    int writers = 4;
    int perWriter = 250;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Future<Integer> reader =
          pool.submit(
              () -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                  HashRing ring = router.ring();
                  // a snapshot is internally consistent: a non-empty ring always routes
                  assertThat(ring.route(reads).isPresent()).isEqualTo(!ring.replicas().isEmpty());
                  reads++;
                }
                return reads;
              });
      List<Future<?>> done =
          java.util.stream.IntStream.range(0, writers)
              .<Future<?>>mapToObj(
                  w ->
                      pool.submit(
                          () -> {
                            start.await();
                            for (int i = 0; i < perWriter; i++) {
                              Replica replica = new Replica("w" + w + "-" + i, w * perWriter + i, "127.0.0.1", 9000);
                              router.update(ring -> ring.with(replica));
                            }
                            return null;
                          }))
                  .toList();
      start.countDown();
      for (Future<?> writer : done) {
        writer.get(30, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
    } finally {
      pool.shutdownNow();
    }

    assertThat(router.ring().replicas().size()).isEqualTo(writers * perWriter);
  }

  @Test
  void refusesFewerThanOneAttempt() {
    assertThatThrownBy(() -> new Router(ModuloRing.of(), 0)).hasMessageContaining("attempts must be >= 1");
  }
}
