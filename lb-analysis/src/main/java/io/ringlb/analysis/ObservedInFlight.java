package io.ringlb.analysis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Requests in flight per replica as a client saw them: a request counts for the replica that
 * answered it from the moment it was sent until its answer came back. Read at each request's
 * sending, as {@link InFlightSimulation} reads its counts at each arrival, so a live run and a
 * simulated one compare figure for figure. The client's view runs a little longer than the
 * balancer's, by the time an answer takes from the balancer to the client.
 */
final class ObservedInFlight {

  private ObservedInFlight() {}

  /** @param replicas the replicas in the ring while the answers came: the mean is over all of them */
  static InFlightSimulation.Result of(List<KeyedLoad.Answer> answers, List<String> replicas) {
    List<KeyedLoad.Answer> bySending = answers.stream().sorted((a, b) -> Long.compare(a.sentNanos(), b.sentNanos())).toList();
    PriorityQueue<KeyedLoad.Answer> pending = new PriorityQueue<>((a, b) -> Long.compare(a.answeredNanos(), b.answeredNanos()));
    Map<String, Integer> now = new HashMap<>();
    Map<String, Integer> most = new HashMap<>();
    Map<String, Long> served = new HashMap<>();
    long held = 0;
    long busiest = 0;
    for (KeyedLoad.Answer answer : bySending) {
      while (!pending.isEmpty() && pending.peek().answeredNanos() <= answer.sentNanos()) {
        now.merge(pending.poll().replica(), -1, Integer::sum);
      }
      pending.add(answer);
      int count = now.merge(answer.replica(), 1, Integer::sum);
      most.merge(answer.replica(), count, Math::max);
      served.merge(answer.replica(), 1L, Long::sum);
      held += now.values().stream().mapToInt(Integer::intValue).sum();
      busiest += now.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
    String[] routedTo = answers.stream().map(KeyedLoad.Answer::replica).toArray(String[]::new);
    return new InFlightSimulation.Result(most, served, (double) held / answers.size() / replicas.size(), (double) busiest / answers.size(),
        routedTo);
  }
}
