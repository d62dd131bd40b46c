package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A pooled connection to a replica, on its own. */
class ReplicaConnectionTest {

  @Test
  void aConnectionIdleInThePoolForAResponseTimeoutIsClosedBeforeTheReplicaClosesIt() {
    IdleTimer silence = IdleTimer.reading(new FakeClock(), Duration.ofSeconds(10));
    EmbeddedChannel channel = new EmbeddedChannel(silence, new ReplicaConnection(silence));

    channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT); // no request on it: idle in the pool

    assertThat(channel.isOpen()).as("closed: a request sent on it as the replica closes it would fail for nothing").isFalse();
  }
}
