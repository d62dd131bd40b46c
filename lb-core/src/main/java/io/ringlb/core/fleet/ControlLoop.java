package io.ringlb.core.fleet;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the fleet's events one at a time, in the order they were handed in, as grpc-java's
 * {@code SynchronizationContext}: state touched only from here needs no lock. Handing an event
 * in is a lock-free enqueue, so an event loop or a request thread can report without waiting;
 * the events run on {@code runner}, never on the thread that handed them in unless the runner
 * is that thread (a test's direct executor).
 */
final class ControlLoop implements Executor {

  private static final System.Logger LOG = System.getLogger(ControlLoop.class.getName());

  private final Executor runner;
  private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  /** The thread running the events now, or null between drains. */
  private volatile Thread runningOn;

  /** @param runner runs each drain; a drain takes events until none is left */
  ControlLoop(Executor runner) {
    this.runner = runner;
  }

  @Override
  public void execute(Runnable event) {
    events.add(event);
    if (draining.compareAndSet(false, true)) {
      runner.execute(this::drain);
    }
  }

  /**
   * Fails unless called from an event this loop runs: state confined to the loop is changed
   * nowhere else.
   *
   * @throws IllegalStateException naming the thread that called
   */
  void checkInLoop() {
    if (runningOn != Thread.currentThread()) {
      throw new IllegalStateException("called on " + Thread.currentThread().getName() + ", outside the fleet's control loop");
    }
  }

  private void drain() {
    do {
      runningOn = Thread.currentThread();
      Runnable event;
      while ((event = events.poll()) != null) {
        try {
          event.run();
        } catch (RuntimeException | Error e) {
          // one broken event must not stop the fleet from handling the next
          LOG.log(Level.ERROR, "A fleet event failed", e);
        }
      }
      runningOn = null;
      draining.set(false);
      // an event handed in between the last poll and the reset finds draining still set: take it now
    } while (!events.isEmpty() && draining.compareAndSet(false, true));
  }
}
