package io.ringlb.analysis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET} requests at a fixed rate, whatever the answers take: an open-loop load, as real
 * clients keep arriving while a replica is down. Each answer, or failure, is handed to the
 * listener with the time its request was sent.
 */
final class SteadyLoad implements AutoCloseable {

  /** What became of one request. */
  @FunctionalInterface
  interface Listener {
    /** @param response null when the request failed outright; {@code error} says why */
    void answered(long sentAtNanos, HttpResponse<String> response, Throwable error);
  }

  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();

  private SteadyLoad() {}

  static SteadyLoad start(HttpClient http, URI uri, int perSecond, Listener listener) {
    SteadyLoad load = new SteadyLoad();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    load.sender.scheduleAtFixedRate(() -> {
      long sentAt = System.nanoTime();
      load.sent.incrementAndGet();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        listener.answered(sentAt, response, error);
        load.answered.incrementAndGet();
      });
    }, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
    return load;
  }

  /** Waits, after {@link #close()}, until every request sent has its answer or failure handed over; false if some have not in time. */
  boolean awaitAnswers(Duration atMost) throws InterruptedException {
    sender.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + atMost.toNanos();
    while (answered.get() < sent.get() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return answered.get() == sent.get();
  }

  /** Sends no more; answers still on their way are still handed to the listener. */
  @Override
  public void close() {
    sender.shutdown();
  }
}
