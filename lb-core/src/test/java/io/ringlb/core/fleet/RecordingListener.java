package io.ringlb.core.fleet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that writes down what the fleet tells it, one line an event: {@code joined S1},
 * {@code died S2 by requests: requests failed}, {@code heartbeat failed S1: <why>}.
 */
final class RecordingListener implements FleetListener {

  final List<String> told = new CopyOnWriteArrayList<>();

  @Override
  public void heartbeatFailed(String replica, String why) {
    told.add("heartbeat failed " + replica + ": " + why);
  }

  @Override
  public void joined(String replica) {
    told.add("joined " + replica);
  }

  @Override
  public void left(String replica, String why) {
    told.add("left " + replica + ": " + why);
  }

  @Override
  public void died(String replica, String why, boolean byRequests) {
    told.add("died " + replica + (byRequests ? " by requests: " : " by heartbeats: ") + why);
  }

  @Override
  public void started(String replica) {
    told.add("started " + replica);
  }

  @Override
  public void removed(String replica) {
    told.add("removed " + replica);
  }

  /** What it was told, each line without the why that follows a colon: {@code heartbeat failed S1}. */
  List<String> events() {
    return told.stream().map(line -> line.contains(":") ? line.substring(0, line.indexOf(':')) : line).toList();
  }
}
