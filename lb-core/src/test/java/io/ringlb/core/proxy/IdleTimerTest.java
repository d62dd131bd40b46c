package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection's idle timeouts on a clock the test moves: each asserted to the millisecond. */
class IdleTimerTest {

  private static final Duration IDLE = Duration.ofSeconds(2);

  private final FakeClock clock = new FakeClock();
  /** The idle events the connection was told of, in order. */
  private final List<IdleState> told = new ArrayList<>();
  private EmbeddedChannel channel;

  private void connect(IdleTimer timer) {
    channel = new EmbeddedChannel(timer, new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        told.add(((IdleStateEvent) event).state());
      }
    });
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void read() {
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
  }

  @Test
  void readingIsIdleATimeoutAfterTheLastReadAndEveryTimeoutAfterThat() {
    connect(IdleTimer.reading(clock, IDLE));
    clock.forward(Duration.ofMillis(1_500));
    read();

    clock.forward(IDLE.minusMillis(1));
    assertThat(told).as("the read put the timeout off").isEmpty();
    clock.forward(Duration.ofMillis(1));
    assertThat(told).containsExactly(IdleState.READER_IDLE);
    clock.forward(IDLE);
    assertThat(told).containsExactly(IdleState.READER_IDLE, IdleState.READER_IDLE);
  }

  /** Reading is told idle {@code wait} from now, not a millisecond sooner. */
  private void assertReaderIdleAfter(Duration wait) {
    clock.forward(wait.minusMillis(1));
    assertThat(told).isEmpty();
    clock.forward(Duration.ofMillis(1));
    assertThat(told).containsExactly(IdleState.READER_IDLE);
  }

  @Test
  void aResetCountsTheTimeoutFromThenWhateverWasReadBefore() {
    IdleTimer timer = IdleTimer.reading(clock, IDLE);
    connect(timer);
    clock.forward(Duration.ofMillis(1_000));
    timer.resetReadTimeout();

    assertReaderIdleAfter(IDLE);
  }

  @Test
  void aWaitLongerThanTheTimeoutIsToldAtItsOwnEnd() {
    IdleTimer timer = IdleTimer.reading(clock, IDLE);
    connect(timer);
    timer.resetReadTimeout(IDLE.multipliedBy(5)); // the connection's own timeout passes four times over

    assertReaderIdleAfter(IDLE.multipliedBy(5));
  }

  @Test
  void aWaitBackToTheOwnTimeoutIsToldOnTimeNotWhenTheLongerWaitWouldHaveEnded() {
    IdleTimer timer = IdleTimer.reading(clock, IDLE);
    connect(timer);
    timer.resetReadTimeout(IDLE.multipliedBy(5));
    clock.forward(IDLE.plusMillis(500)); // past the first check, which set the next for the longer wait's end

    timer.resetReadTimeout();
    assertReaderIdleAfter(IDLE);
  }

  @Test
  void writingIsIdleATimeoutAfterTheLastWriteTakenWhole() {
    connect(IdleTimer.readingAndWriting(clock, IDLE));
    clock.forward(Duration.ofMillis(1_000));
    channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ReferenceCountUtil.release(channel.readOutbound());
    read();

    clock.forward(IDLE.minusMillis(1));
    assertThat(told).isEmpty();
    clock.forward(Duration.ofMillis(1));
    assertThat(told).containsExactlyInAnyOrder(IdleState.READER_IDLE, IdleState.WRITER_IDLE);
  }

  @Test
  void aReadStillGoingOnIsNeverIdle() {
    connect(IdleTimer.reading(clock, IDLE));
    channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[] {1})); // the read has not ended

    clock.forward(IDLE.multipliedBy(3));
    assertThat(told).isEmpty();
    channel.pipeline().fireChannelReadComplete();
    clock.forward(IDLE);
    assertThat(told).containsExactly(IdleState.READER_IDLE);
  }

  @Test
  void aWriteWithAVoidPromiseCountsAsWell() {
    connect(IdleTimer.readingAndWriting(clock, IDLE));
    clock.forward(Duration.ofMillis(1_000));
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}), channel.voidPromise());
    ReferenceCountUtil.release(channel.readOutbound());

    clock.forward(IDLE.minusMillis(1));
    assertThat(told).containsExactly(IdleState.READER_IDLE);
    clock.forward(Duration.ofMillis(1));
    assertThat(told).containsExactly(IdleState.READER_IDLE, IdleState.WRITER_IDLE);
  }

  @Test
  void aTimerTakenOutOfThePipelineLeavesNoTimer() {
    IdleTimer timer = IdleTimer.readingAndWriting(clock, IDLE);
    connect(timer);
    channel.pipeline().remove(timer); // as a connection that becomes a tunnel

    clock.forward(IDLE.multipliedBy(3));
    assertThat(told).isEmpty();
    assertThat(clock.timers()).isZero();
  }

  @Test
  void aClosedConnectionIsToldNothingAndLeavesNoTimer() {
    connect(IdleTimer.readingAndWriting(clock, IDLE));
    channel.close();

    clock.forward(IDLE.multipliedBy(3));
    assertThat(told).isEmpty();
    assertThat(clock.timers()).isZero();
  }
}
