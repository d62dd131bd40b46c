package io.ringlb.core.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.time.Duration;

/**
 * A connection's idle timeouts on the engine's clock: Netty's {@code IdleStateHandler}, with its
 * events ({@link IdleStateEvent}) and its counting. Reading is idle from the end of the last read,
 * never while one goes on; writing from the last write the socket took whole. Netty 4.1's handler
 * reads the system's clock and sets its loop's timers, which a test cannot move; this one reads
 * {@link EngineClock}, so the data plane's idle timeouts follow a clock a test moves by hand.
 *
 * <p>A check that finds the connection busy since it was set is set again for what is left, as
 * Netty's is: a connection costs a timer per timeout, not one per read.
 */
final class IdleTimer extends ChannelDuplexHandler {

  /** Not yet watching, watching from the connection's start, and done at its end or the handler's removal: never again after. */
  private enum Phase { WAITING, WATCHING, DONE }

  private final EngineClock clock;
  private final Duration readerIdle;
  private final Duration writerIdle;
  private final Runnable checkReading = this::checkReading;
  /** Made only when writing is watched, as is {@link #written}: most connections watch reading alone. */
  private final Runnable checkWriting;
  private final ChannelFutureListener written;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.WAITING;
  private boolean reading;
  /** How long reading may be idle in the current wait: {@link #readerIdle} unless a wait asked for longer. */
  private long readerIdleNanos;
  private long lastRead;
  private long lastWrite;
  private Cancellable readerTimer = Cancellable.NONE;
  private Cancellable writerTimer = Cancellable.NONE;

  private IdleTimer(EngineClock clock, Duration readerIdle, Duration writerIdle) {
    this.clock = clock;
    this.readerIdle = readerIdle;
    this.readerIdleNanos = readerIdle.toNanos();
    this.writerIdle = writerIdle;
    boolean writes = !writerIdle.isZero();
    this.checkWriting = writes ? this::checkWriting : null;
    this.written = writes ? future -> lastWrite = clock.nanoTime() : null;
  }

  /** Tells of a connection that read nothing for {@code idle}. */
  static IdleTimer reading(EngineClock clock, Duration idle) {
    return new IdleTimer(clock, idle, Duration.ZERO);
  }

  /** Tells of a connection that read nothing, or had no write taken whole, for {@code idle}. */
  static IdleTimer readingAndWriting(EngineClock clock, Duration idle) {
    return new IdleTimer(clock, idle, idle);
  }

  /** Reading counts as idle from now, whenever it last read, for the connection's own timeout. */
  void resetReadTimeout() {
    resetReadTimeout(readerIdle);
  }

  /**
   * Reading counts as idle from now, whenever it last read, for {@code idle} until the next reset:
   * one exchange's wait, which may be longer or shorter than the connection's own timeout.
   */
  void resetReadTimeout(Duration idle) {
    long before = readerIdleNanos;
    readerIdleNanos = idle.toNanos();
    lastRead = clock.nanoTime();
    reading = false;
    if (readerIdleNanos < before && phase == Phase.WATCHING && !readerIdle.isZero()) {
      // the check set for the longer wait would come late: set it for this one (a longer wait is met by the check setting itself again)
      readerTimer.cancel();
      readerTimer = clock.schedule(idle, checkReading, ctx.executor());
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext added) {
    this.ctx = added;
    if (added.channel().isActive() && added.channel().isRegistered()) {
      watch();
    }
  }

  @Override
  public void channelRegistered(ChannelHandlerContext context) throws Exception {
    if (context.channel().isActive()) {
      watch();
    }
    super.channelRegistered(context);
  }

  @Override
  public void channelActive(ChannelHandlerContext context) throws Exception {
    watch();
    super.channelActive(context);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext context) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    stop();
    super.channelInactive(context);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    reading = true;
    context.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (reading) {
      lastRead = clock.nanoTime();
      reading = false;
    }
    context.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
    if (written == null) {
      context.write(msg, promise);
      return;
    }
    ChannelPromise watched = promise.unvoid();
    watched.addListener(written);
    context.write(msg, watched);
  }

  private void watch() {
    if (phase != Phase.WAITING) {
      return;
    }
    phase = Phase.WATCHING;
    lastRead = lastWrite = clock.nanoTime();
    if (!readerIdle.isZero()) {
      // the wait asked for before the connection became active, if one was: a new connection to a replica is handed its
      // request, and the answer's wait set, as its connect completes, which Netty tells before the connection's activity
      readerTimer = clock.schedule(Duration.ofNanos(readerIdleNanos), checkReading, ctx.executor());
    }
    if (!writerIdle.isZero()) {
      writerTimer = clock.schedule(writerIdle, checkWriting, ctx.executor());
    }
  }

  private void stop() {
    phase = Phase.DONE;
    readerTimer.cancel();
    writerTimer.cancel();
    readerTimer = writerTimer = Cancellable.NONE;
  }

  // each check is set again before the event goes out: a handler the event closes cancels the check that comes next

  private void checkReading() {
    if (phase != Phase.WATCHING || !ctx.channel().isOpen()) {
      return;
    }
    long left = readerIdleNanos - (reading ? 0 : clock.nanoTime() - lastRead);
    readerTimer = clock.schedule(Duration.ofNanos(left > 0 ? left : readerIdleNanos), checkReading, ctx.executor());
    if (left <= 0) {
      ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    }
  }

  private void checkWriting() {
    if (phase != Phase.WATCHING || !ctx.channel().isOpen()) {
      return;
    }
    long left = writerIdle.toNanos() - (clock.nanoTime() - lastWrite);
    writerTimer = clock.schedule(left > 0 ? Duration.ofNanos(left) : writerIdle, checkWriting, ctx.executor());
    if (left <= 0) {
      ctx.fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
    }
  }
}
