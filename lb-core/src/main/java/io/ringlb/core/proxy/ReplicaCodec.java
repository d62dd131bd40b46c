package io.ringlb.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * HTTP/1.1 with a replica over one connection: requests out, answers in, as Netty's {@code
 * HttpClientCodec} speaks it (the answer to a HEAD read without a body), one request at a time.
 * What the replica sends that no request asked for closes the connection: bytes past the end of
 * an answer (more than its {@code Content-Length}, a body on an answer to HEAD, a 204 or a 304)
 * and bytes on a connection idle in the pool, line ends alone aside. Kept, they would be read as the start of the next
 * request's answer, which would then fail, after the replica had served the request. nginx and
 * HAProxy close such a connection too. It is closed before the answer's end is handed on, so the
 * pool never takes it back: over TLS, where it stays open until its close_notify is written, the
 * pool sees that sent.
 */
final class ReplicaCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {

  /** The method of the request whose answer is awaited; null while none is, and what comes is unasked. */
  private HttpMethod awaited;

  ReplicaCodec(HttpDecoderConfig answers) {
    init(new Answers(answers), new Requests());
  }

  private final class Requests extends HttpRequestEncoder {

    @Override
    protected void encodeInitialLine(ByteBuf buf, HttpRequest request) throws Exception {
      awaited = request.method();
      super.encodeInitialLine(buf, request);
    }
  }

  private final class Answers extends HttpResponseDecoder {

    /** Whether the last head read was a final answer's, whose end ends the wait; an interim one's (1xx, 101 too) does not. */
    private boolean finalHead;

    /** Whether the answer to a HEAD being read said chunked, which Netty's decoder takes off an answer without a body. */
    private boolean headSaidChunked;

    Answers(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      if (awaited == null) {
        unasked(ctx, in);
        return;
      }
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        Object read = out.get(i);
        if (read instanceof HttpResponse head) {
          finalHead = head.status().codeClass() != HttpStatusClass.INFORMATIONAL;
          if (headSaidChunked) {
            HttpUtil.setTransferEncodingChunked(head, true); // the framing a GET would get, which the client is told (RFC 9110, 9.3.2)
            headSaidChunked = false;
          }
        }
        if (read instanceof LastHttpContent && finalHead) {
          awaited = null;
        }
      }
      if (awaited == null && in.isReadable()) {
        unasked(ctx, in); // past the answer's end, in the same read
      }
    }

    private void unasked(ChannelHandlerContext ctx, ByteBuf in) {
      while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
        in.skipBytes(1); // a line end after an answer, which some servers send and Netty's decoder skips before a head, is harmless
      }
      if (in.isReadable()) {
        in.skipBytes(in.readableBytes());
        ctx.close();
      }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
      boolean toHead = message instanceof HttpResponse answer && answer.status().codeClass() != HttpStatusClass.INFORMATIONAL
          && HttpMethod.HEAD.equals(awaited);
      if (toHead && HttpUtil.isTransferEncodingChunked(message)) {
        headSaidChunked = true;
      }
      return toHead || super.isContentAlwaysEmpty(message);
    }
  }
}
