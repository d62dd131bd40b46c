package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControlLoopTest {

  @Test
  void eventsRunOneAtATimeInTheOrderTheyCame() {
    List<Runnable> drains = new ArrayList<>();
    ControlLoop loop = new ControlLoop(drains::add);
    List<String> ran = new ArrayList<>();

    loop.execute(() -> {
      ran.add("first");
      loop.execute(() -> ran.add("handed in by the first"));
      ran.add("first, done");
    });
    loop.execute(() -> ran.add("second"));

    assertThat(drains).as("one drain for all the events handed in meanwhile").hasSize(1);
    drains.get(0).run();
    assertThat(ran).containsExactly("first", "first, done", "second", "handed in by the first");
  }

  @Test
  void aFailingEventDoesNotStopTheNext() {
    ControlLoop loop = new ControlLoop(Runnable::run);
    List<String> ran = new ArrayList<>();

    loop.execute(() -> {
      throw new IllegalStateException("broken");
    });
    loop.execute(() -> ran.add("next"));

    assertThat(ran).containsExactly("next");
  }

  @Test
  void itTellsWhetherCodeRunsOnIt() throws Exception {
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      ControlLoop loop = new ControlLoop(runner);
      List<Throwable> inside = new ArrayList<>();
      CountDownLatch ran = new CountDownLatch(1);
      loop.execute(() -> {
        try {
          loop.checkInLoop();
        } catch (Throwable e) {
          inside.add(e);
        }
        ran.countDown();
      });
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(inside).as("an event passes").isEmpty();
      assertThatThrownBy(loop::checkInLoop).isInstanceOf(IllegalStateException.class).hasMessageContaining("outside the fleet's control loop");
    } finally {
      runner.shutdownNow();
    }
  }
}
