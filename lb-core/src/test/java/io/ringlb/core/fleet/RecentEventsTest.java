package io.ringlb.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

  private static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");
  private final RecentEvents recent = new RecentEvents(3, Clock.fixed(NOON, ZoneOffset.UTC));

  @Test
  void aReplicaStartedAgainAfterGoingDownIsAReplacement() {
    recent.started("S1");
    recent.joined("S1");
    recent.died("S1", "connection refused", true);
    recent.started("S1");

    assertThat(recent.events()).extracting(FleetEvent::kind).containsExactly("replaced", "down", "joined");
    assertThat(recent.events().get(1)).isEqualTo(new FleetEvent(NOON, "down", "S1", "connection refused"));
  }

  @Test
  void keepsTheNewestUpToItsCapacity() {
    for (String name : new String[] {"S1", "S2", "S3", "S4"}) {
      recent.started(name);
    }

    assertThat(recent.events()).extracting(FleetEvent::replica).containsExactly("S4", "S3", "S2");
    assertThat(recent.events()).extracting(FleetEvent::kind).containsOnly("added");
  }

  @Test
  void aRemovedReplicaAddedAgainIsAnAdditionNotAReplacement() {
    recent.died("S2", "503", false);
    recent.removed("S2");
    recent.started("S2");

    assertThat(recent.events()).extracting(FleetEvent::kind).containsExactly("added", "removed", "down");
  }

  @Test
  void heartbeatFailuresAreNotListed() {
    recent.heartbeatFailed("S1", "timed out");
    recent.left("S1", "not ready");

    assertThat(recent.events()).containsExactly(new FleetEvent(NOON, "left", "S1", "not ready"));
  }

  @Test
  void allTellsEveryListenerEveryEvent() {
    RecordingListener first = new RecordingListener();
    RecordingListener second = new RecordingListener();
    FleetListener both = FleetListener.all(first, second);

    both.heartbeatFailed("S1", "timed out");
    both.joined("S1");
    both.left("S1", "not ready");
    both.died("S1", "refused", true);
    both.started("S1");
    both.removed("S1");

    List<String> all = List.of("heartbeat failed S1: timed out", "joined S1", "left S1: not ready", "died S1 by requests: refused", "started S1",
        "removed S1");
    assertThat(first.told).isEqualTo(all);
    assertThat(second.told).isEqualTo(all);
  }

  @Test
  void keepsAtLeastOne() {
    assertThatThrownBy(() -> new RecentEvents(0, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
  }
}
