package io.ringlb.core.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What {@code /rep} shows and readiness says, made anew on the control loop after each change
 * of the members and read from any thread.
 */
final class PublishedView {

  private volatile FleetView view = new FleetView(List.of());
  private volatile List<String> problems = List.of();
  private volatile List<KeptReplica> kept = List.of();

  /** The members' names, in the order they were added. */
  FleetView view() {
    return view;
  }

  /** One line per member whose last start failed or whose replica never passed a heartbeat; empty when all is well. */
  List<String> problems() {
    return problems;
  }

  /** The members with their ids and weights, in the order they were added. */
  List<KeptReplica> kept() {
    return kept;
  }

  /** Publishes the members as they are now; on the loop. */
  void publish(Collection<Member> members) {
    List<String> names = new ArrayList<>();
    List<String> now = new ArrayList<>();
    List<KeptReplica> all = new ArrayList<>();
    for (Member member : members) {
      names.add(member.name);
      all.add(new KeptReplica(member.name, member.id, member.weight));
      if (member.problem != null) {
        now.add(member.name + ": " + member.failedStarts + (member.failedStarts == 1 ? " start" : " starts") + " failed; last: " + member.problem);
      }
    }
    view = new FleetView(names);
    problems = List.copyOf(now);
    kept = List.copyOf(all);
  }
}
