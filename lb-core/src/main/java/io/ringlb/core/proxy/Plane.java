package io.ringlb.core.proxy;

import io.ringlb.api.Replica;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.routing.Router;
import io.ringlb.core.time.EngineClock;
import java.util.function.BiConsumer;

/**
 * What every connection of the data plane shares, all of it safe to read from any event loop,
 * and all the data plane is started with beside its threads and TLS.
 *
 * @param settings where it listens and the limits of the request path
 * @param router picks each request's replicas, and counts their loads
 * @param keys makes each request's key
 * @param onFailure told, on an event loop, of each replica a request could not reach; it must hand
 *     the news on rather than block
 * @param events told of every request forwarded to a replica, on an event loop: it must not block
 * @param accessLog handed an entry for every request answered, on an event loop: it must not block
 * @param clock the engine's clock: times the requests, reloads TLS's files and bounds the drain
 *     when the data plane closes
 * @param rules what the host decides: the admin endpoint's paths, and how a replica's 404 is answered
 */
public record Plane(ProxySettings settings, Router router, RequestKeyExtractor keys, BiConsumer<Replica, Outcome> onFailure, RequestEvents events,
    AccessLog accessLog, EngineClock clock, HostRules rules) {

  /** Now, on the clock requests are timed by. */
  long nanoTime() {
    return clock.nanoTime();
  }

  /**
   * Tells passive health of an attempt the replica failed, and the request events of every
   * attempt: the one place an attempt's end is told.
   */
  void attemptEnded(AttemptEnd end) {
    Replica replica = end.replica();
    switch (end.result()) {
      case ANSWERED -> events.answered(replica, end.status(), end.nanos());
      case CONNECT_FAILED -> {
        onFailure.accept(replica, Outcome.FAILED);
        events.connectFailed(replica);
      }
      case CONNECT_TIMED_OUT -> {
        onFailure.accept(replica, Outcome.TIMED_OUT);
        events.connectFailed(replica);
      }
      case FAILED -> onFailure.accept(replica, Outcome.FAILED);
      case TIMED_OUT -> onFailure.accept(replica, Outcome.TIMED_OUT);
      case NOT_ITS_DOING -> {}
    }
    if (end.retried()) {
      events.retried(replica);
    }
  }

  /** Whether requests are logged: when not, no clock is read and no entry made for the access log. */
  boolean logsAccess() {
    return accessLog != AccessLog.NONE;
  }
}
