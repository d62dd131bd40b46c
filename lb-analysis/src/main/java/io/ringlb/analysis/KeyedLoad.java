package io.ringlb.analysis;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;

/**
 * Requests for chosen keys with a fixed number in flight (a closed loop: the next one goes as
 * soon as one is answered), each to {@code /home?key=K&delay-ms=D}: a balancer that hashes by
 * {@link #KEY_SETTING} routes it by {@code K}, and the replica answers {@code D} ms later, as one
 * doing real work would. Records which replica answered each request, and when it went and came
 * back: what the requests in flight per replica are reconstructed from ({@link ObservedInFlight}).
 */
final class KeyedLoad implements AutoCloseable {

  /** The {@code lb.key} that hashes requests by their {@code key} parameter. */
  static final String KEY_SETTING = "query:key";

  /** One request's fate: the replica that answered it, or null when it failed. */
  record Answer(int index, long key, String replica, long sentNanos, long answeredNanos) {}

  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final List<String> failures = new ArrayList<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Thread sender;

  private KeyedLoad(LiveBalancer balancer, LongUnaryOperator keyOf, int count, int inFlight, int delayMs) {
    Semaphore slots = new Semaphore(inFlight);
    sender = Thread.ofPlatform().name("keyed-load").start(() -> {
      for (int i = 0; i < count && !stopped.get(); i++) {
        slots.acquireUninterruptibly();
        int index = i;
        long key = keyOf.applyAsLong(i);
        HttpRequest request = HttpRequest.newBuilder(balancer.data().resolve("/home?key=" + key + "&delay-ms=" + delayMs))
            .timeout(Duration.ofSeconds(30)).build();
        long sent = System.nanoTime();
        balancer.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
          String replica = error == null && response.statusCode() == 200 ? Tally.replicaOf(response.body()).orElse(null) : null;
          if (replica == null) {
            synchronized (failures) {
              failures.add(error != null ? error.toString() : response.statusCode() + " " + response.body());
            }
          }
          answers.add(new Answer(index, key, replica, sent, System.nanoTime()));
          slots.release();
        });
      }
      slots.acquireUninterruptibly(inFlight);
    });
  }

  /** {@code keys.length} requests, the i-th for {@code keys[i]}; returns once all are answered. */
  static List<Answer> send(LiveBalancer balancer, long[] keys, int inFlight, int delayMs) {
    return new KeyedLoad(balancer, i -> keys[(int) i], keys.length, inFlight, delayMs).answers();
  }

  /** Requests for {@code keyOf(i)} until {@link #close()}. */
  static KeyedLoad start(LiveBalancer balancer, LongUnaryOperator keyOf, int inFlight, int delayMs) {
    return new KeyedLoad(balancer, keyOf, Integer.MAX_VALUE, inFlight, delayMs);
  }

  /** Sends no more, and waits for the answers still on their way. */
  @Override
  public void close() {
    stopped.set(true);
    awaitAnswers();
  }

  private void awaitAnswers() {
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every answer, in the order the requests went, once all are in: all of them, or all sent before {@link #close()}.
   *
   * @throws IllegalStateException when a request failed: a measurement of where requests went
   *     means nothing if some went nowhere
   */
  List<Answer> answers() {
    awaitAnswers();
    synchronized (failures) {
      if (!failures.isEmpty()) {
        throw new IllegalStateException(failures.size() + " of " + answers.size() + " requests failed, the first: " + failures.get(0));
      }
    }
    return answers.stream().sorted(Comparator.comparingInt(Answer::index)).toList();
  }
}
