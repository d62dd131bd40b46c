package io.ringlb.analysis;

import io.ringlb.client.ApiJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** What a stream of {@code /home} requests saw: answers per replica, and every failure. */
final class Tally {


  private final Map<String, LongAdder> perReplica = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final LongAdder answered = new LongAdder();

  /** A 200 whose body names a replica counts for it; anything else is a failure. */
  void record(int status, String body) {
    Optional<String> replica = status == 200 ? replicaOf(body) : Optional.empty();
    if (replica.isPresent()) {
      perReplica.computeIfAbsent(replica.get(), name -> new LongAdder()).increment();
    } else {
      failures.add(status + " " + body);
    }
    answered.increment();
  }

  /** The replica a {@code /home} answer names. */
  static Optional<String> replicaOf(String body) {
    return ApiJson.server(body);
  }

  void failed(Throwable failure) {
    failures.add(failure.toString());
    answered.increment();
  }

  /** Answers per replica, by replica name. */
  Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>(Tally::byNumber);
    perReplica.forEach((name, count) -> counts.put(name, count.intValue()));
    return counts;
  }

  /** S2 before S10: by the number in the name where there is one. */
  static int byNumber(String a, String b) {
    String digitsA = a.replaceAll("\\D", "");
    String digitsB = b.replaceAll("\\D", "");
    if (!digitsA.isEmpty() && !digitsB.isEmpty() && !digitsA.equals(digitsB)) {
      return Long.compare(Long.parseLong(digitsA), Long.parseLong(digitsB));
    }
    return a.compareTo(b);
  }
}
