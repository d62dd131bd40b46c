package io.ringlb.lb;

import io.ringlb.client.ApiJson;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** What a stream of {@code /home} requests saw: answers per replica, and every failure. */
final class Tally {

  final Map<String, LongAdder> perReplica = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final LongAdder answered = new LongAdder();

  /** For {@code whenComplete}: a 200 counts for the replica named in its body; anything else is a failure. */
  void record(HttpResponse<String> response, Throwable failure) {
    if (failure != null || response.statusCode() != 200) {
      failures.add(failure != null ? failure.toString() : response.statusCode() + " " + response.body());
    } else {
      perReplica.computeIfAbsent(ApiJson.server(response.body()).orElse(response.body()), name -> new LongAdder()).increment();
    }
    answered.increment();
  }

  long total() {
    return perReplica.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
