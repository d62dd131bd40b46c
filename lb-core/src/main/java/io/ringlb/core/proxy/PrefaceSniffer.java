package io.ringlb.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Tells on a cleartext port whether a client speaks HTTP/2 by prior knowledge or HTTP/1.1, from
 * its first bytes, as HAProxy and Envoy do: an HTTP/2 client opens with the connection preface
 * ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}), which no HTTP/1.1 request begins with. On the first
 * byte that differs, the connection stays HTTP/1.1; on the whole preface, {@code toHttp2} turns
 * it into an HTTP/2 connection. Either way this handler leaves the pipeline, handing on every
 * byte it was sent, the preface included.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Runnable toHttp2;

  /** @param toHttp2 turns the pipeline into an HTTP/2 connection's, after this handler */
  PrefaceSniffer(Runnable toHttp2) {
    this.toHttp2 = toHttp2;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int length = PREFACE.readableBytes();
    int seen = Math.min(in.readableBytes(), length);
    if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), seen)) {
      ctx.pipeline().remove(this);
    } else if (seen == length) {
      toHttp2.run();
      ctx.pipeline().remove(this);
    }
  }
}
