package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/**
 * A channel as the {@link Downstream} of its exchanges: the channel the answer is written to and
 * whose reading is paced, and who the client is, learnt from the channel when the handler is
 * added. An HTTP/1.1 connection is one; an HTTP/2 stream, a {@link ClientStream}, is no channel.
 */
abstract class ChannelDownstream extends ChannelInboundHandlerAdapter implements Downstream {

  /** The handler's own context: what is written here goes out through the handlers before it. */
  protected ChannelHandlerContext ctx;
  private String address;
  private boolean secure;

  @Override
  public void handlerAdded(ChannelHandlerContext added) {
    this.ctx = added;
    this.address = clientAddress(added.channel());
    this.secure = isTls(added.channel());
  }

  /** The IP address of the client at the other end of {@code connection}. */
  static String clientAddress(Channel connection) {
    return connection.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
  }

  /** Whether {@code connection} is TLS: {@code X-Forwarded-Proto: https}. */
  static boolean isTls(Channel connection) {
    return connection.pipeline().get(SslHandler.class) != null;
  }

  /** The exchange under way on this channel, or null between requests. */
  protected abstract Exchange exchange();

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    Exchange exchange = exchange();
    if (exchange != null && context.channel().isWritable()) {
      exchange.onClientWritable();
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public boolean secure() {
    return secure;
  }

  /** Reads from the client, or pauses; a change only when it is one, since each costs a system call. */
  @Override
  public void reading(boolean on) {
    ctx.channel().config().setAutoRead(on);
  }

  @Override
  public void write(Object message) {
    ctx.write(message);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }
}
