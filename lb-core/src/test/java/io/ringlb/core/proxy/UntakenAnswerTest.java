package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringlb.core.time.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops taking its answer, against one that takes it a few bytes at a time, on an
 * HTTP/1.1 connection's real pipeline ({@code lb.client.idle-timeout-ms}, as HAProxy's {@code
 * timeout client}). The connection's socket is a {@link SlowClient}, whose kernel takes only what
 * the test hands it, on a clock that stands still until the test moves it: what a real socket
 * shows of a slow client only when the kernel wakes the event loop is here a step of the test.
 */
class UntakenAnswerTest {

  private static final Duration IDLE = Duration.ofSeconds(1);

  private final FakeClock clock = new FakeClock();
  private SlowClient client;

  /** A connection whose client takes no byte of what it is sent until {@link #take} says so. */
  private static final class SlowClient extends EmbeddedChannel {

    SlowClient() {
      super(false, false);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer unsent) {
      // what is flushed stays in the buffer, as in a socket whose client reads nothing
    }

    /** The client takes {@code bytes} more of what waits for it, as the kernel would report a partial write. */
    void take(long bytes) {
      unsafe().outboundBuffer().removeBytes(bytes);
    }

    long waiting() {
      return unsafe().outboundBuffer().totalPendingWriteBytes();
    }
  }

  @BeforeEach
  void connect() throws Exception {
    ProxySettings defaults = ProxySettings.defaults(0);
    ProxySettings settings = ProxyFixture.with(defaults, defaults.maxHeaderBytes(), defaults.maxBodyBytes(), Duration.ofSeconds(30), IDLE,
        defaults.connectionsPerReplica(), defaults.responseTimeout());
    client = ProxyFixture.embeddedClient(new SlowClient(), settings, clock, Optional.empty());
    // no replica is in the ring: the answer is a 503, which waits for the client whole
    client.writeInbound(Unpooled.copiedBuffer("GET /home HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    assertThat(client.waiting()).as("the answer waits for the client").isGreaterThan(2);
  }

  @AfterEach
  void close() {
    client.finishAndReleaseAll();
  }

  private void advance(Duration by) {
    clock.forward(by);
    client.runPendingTasks();
  }

  @Test
  void aClientThatTakesNothingOfItsAnswerForAnIdleTimeoutIsClosed() {
    advance(IDLE);
    assertThat(client.isOpen()).as("a whole idle timeout has not passed since the first look").isTrue();

    advance(IDLE);

    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void aClientThatTakesPartOfOneWriteInEachIdleTimeoutIsKept() {
    // each look finds the same write unfinished: only its bytes show that the client is reading
    for (int timeout = 0; timeout < 2; timeout++) {
      advance(IDLE.dividedBy(2));
      client.take(1);
      advance(IDLE.dividedBy(2));
      assertThat(client.isOpen()).as("after idle timeout %d, a byte taken within it", timeout + 1).isTrue();
    }

    advance(IDLE);

    assertThat(client.isOpen()).as("then nothing taken for a whole idle timeout").isFalse();
  }
}
