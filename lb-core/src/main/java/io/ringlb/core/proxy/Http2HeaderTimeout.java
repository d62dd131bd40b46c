package io.ringlb.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.EngineClock.Cancellable;
import java.time.Duration;

/**
 * {@code lb.client.header-timeout-ms} for HTTP/2: a header block (a HEADERS frame, then
 * CONTINUATION frames until one ends it) must be whole within the timeout from its first byte,
 * payloads included, as an HTTP/1.1 request's head must. A client that trickles one holds a stream and the decoder's buffer as a
 * slowloris holds a connection, and each frame it sends keeps the idle timeout away: its
 * connection is closed, with a GOAWAY. Netty's codec hands a block on only once it is whole, so
 * this handler, ahead of it, reads the 9-byte header of each frame as the bytes pass, and skips
 * the payloads.
 */
final class Http2HeaderTimeout extends ChannelInboundHandlerAdapter {

  private static final int FRAME_HEADER_BYTES = 9;
  private static final byte HEADERS = 0x1;
  private static final byte CONTINUATION = 0x9;
  private static final byte END_HEADERS = 0x4;

  private final Duration timeout;
  private final EngineClock clock;
  private final byte[] frameHeader = new byte[FRAME_HEADER_BYTES];
  /** How much of the current frame's header has been read. */
  private int headerRead;
  /** What is left of the current frame's payload, skipped. */
  private long payloadLeft;
  /** Whether the current frame ends a header block, once its payload has all come. */
  private boolean blockEnds;
  /** What is left of the client's connection preface, which comes before any frame. */
  private int prefaceLeft = Http2CodecUtil.connectionPrefaceBuf().readableBytes();
  /** The close of a connection whose header block is not whole yet; null while none is open. */
  private Cancellable deadline;

  Http2HeaderTimeout(Duration timeout, EngineClock clock) {
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      scan(ctx, bytes);
    }
    ctx.fireChannelRead(msg);
  }

  /** Follows the frames in {@code bytes}, reading nothing off it: the codec reads them next. */
  private void scan(ChannelHandlerContext ctx, ByteBuf bytes) {
    int at = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (at < end) {
      if (prefaceLeft > 0 || payloadLeft > 0) {
        int skipped = (int) Math.min(prefaceLeft > 0 ? prefaceLeft : payloadLeft, end - at);
        if (prefaceLeft > 0) {
          prefaceLeft -= skipped;
        } else {
          payloadLeft -= skipped;
          if (payloadLeft == 0 && blockEnds) {
            cancel(); // the last of the block has come
          }
        }
        at += skipped;
        continue;
      }
      frameHeader[headerRead++] = bytes.getByte(at++);
      if (headerRead == FRAME_HEADER_BYTES) {
        headerRead = 0;
        payloadLeft = (frameHeader[0] & 0xFF) << 16 | (frameHeader[1] & 0xFF) << 8 | frameHeader[2] & 0xFF;
        frame(ctx, frameHeader[3], frameHeader[4], end - at);
      }
    }
  }

  /**
   * A frame's header has been read, {@code available} bytes of the read follow it: a HEADERS
   * frame starts the block's deadline, and the block is whole once the frame that ends it
   * (END_HEADERS) has all its payload, which may trickle too.
   */
  private void frame(ChannelHandlerContext ctx, byte type, byte flags, int available) {
    blockEnds = (type == HEADERS || type == CONTINUATION) && (flags & END_HEADERS) != 0;
    if (type == HEADERS && deadline == null && !(blockEnds && payloadLeft <= available)) {
      // a block not whole in this read (most are, and cost no timer); closed from the channel's tail, so the codec says GOAWAY
      deadline = clock.schedule(timeout, () -> ctx.channel().close(), ctx.executor());
    }
    if (blockEnds && payloadLeft == 0) {
      cancel();
    }
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel();
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }
}
