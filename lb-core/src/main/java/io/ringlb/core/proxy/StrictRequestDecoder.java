package io.ringlb.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Netty's request decoder, held to RFC 9112 where it is lenient and a proxy cannot be: a request
 * two parsers could frame differently is one an attacker can smuggle a second request inside
 * (CL.TE, TE.TE). Netty already refuses a {@code Content-Length} beside {@code Transfer-Encoding},
 * duplicate lengths, bare LF and obs-fold; this adds what it lets through:
 *
 * <ul>
 *   <li>a {@code Transfer-Encoding} other than {@code chunked} alone. One whose final coding is
 *       not {@code chunked} is a 400 after which the connection closes (RFC 9112 section 6.3):
 *       Netty takes {@code xchunked} for no coding at all, so the body would be read as the next
 *       request. Other codings before {@code chunked} are refused as nginx refuses them: the data
 *       plane frames bodies itself, and would pass them on undeclared;
 *   <li>an HTTP/1.1 request without {@code Host}, or any request with two, or with one that is
 *       not a host and port (section 3.2); one in absolute form takes its {@code Host} from its
 *       target (3.2.2), which must name a host and port;
 *   <li>a request target with a control character or DEL, or a fragment, or in none of the forms
 *       a request to an origin takes ({@link RequestTargets}), which Netty passes on as it is;
 *   <li>whitespace before a chunk size (section 7.1: {@code chunk-size = 1*HEXDIG}), which Netty
 *       skips and another parser may not.
 * </ul>
 *
 * <p>A refused request reaches the connection's handler with a failed {@link DecoderResult}, which
 * answers 400 and closes; nothing the client sent after it is decoded, so no request hidden in a
 * body can reach a replica. Netty offers no switch for the last rule, and keeps its chunk state to
 * itself: this decoder follows the chunk framing from the sizes it reads, to know where each
 * chunk-size line begins.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

  /** Where in a chunked body the next byte is. */
  private enum Chunked {
    /** Not in a chunked body. */
    NO,
    /** A chunk-size line begins. */
    SIZE,
    /** Within a chunk's data. */
    DATA,
    /** The CRLF after a chunk's data. */
    DELIMITER,
    /** The trailer section after the last chunk. */
    TRAILER
  }

  private static final String CHUNKED = HttpHeaderValues.CHUNKED.toString();

  private final Consumer<HttpMethod> heads;
  private Chunked at = Chunked.NO;
  /** Data bytes left in the current chunk. */
  private long left;
  private boolean refused;
  /** Between a request's head and its end: what is read is its body. */
  private boolean inRequest;
  /** Bytes of the next request's head, not only line ends, were read and taken in by Netty's decoder: it is not whole yet. */
  private boolean headTakenIn;

  /** @param heads told the method of every request decoded, in order, so its answer is framed for it */
  StrictRequestDecoder(HttpDecoderConfig config, Consumer<HttpMethod> heads) {
    super(config);
    this.heads = heads;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    Chunked started = at;
    int from = in.readerIndex();
    int line = 0;
    long size = -1;
    if (started == Chunked.SIZE) {
      int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
      if (lf >= 0) {
        byte first = in.getByte(from);
        if (first == ' ' || first == '\t') {
          refuse(in, out, out.size(), "whitespace before a chunk size");
          return;
        }
        line = lf + 1 - from;
        size = hexPrefix(in, from, lf);
      }
    }
    int before = out.size();
    super.decode(ctx, in, out);
    long data = 0;
    for (int i = before; i < out.size(); i++) {
      Object decoded = out.get(i);
      if (decoded instanceof HttpRequest request) {
        heads.accept(request.method()); // every head gets an answer, a refusal too
      }
      if (decoded instanceof HttpObject object && object.decoderResult().isFailure()) {
        at = Chunked.NO; // Netty refused it, and discards the rest itself
        return;
      }
      if (decoded instanceof HttpRequest) {
        inRequest = true;
        headTakenIn = false;
      } else if (decoded instanceof LastHttpContent) {
        inRequest = false;
      }
      if (decoded instanceof HttpRequest request) {
        String problem = problem(request);
        if (problem != null) {
          refuse(in, out, i, problem);
          return;
        }
        at = HttpUtil.isTransferEncodingChunked(request) ? Chunked.SIZE : Chunked.NO;
      } else if (decoded instanceof LastHttpContent) {
        at = Chunked.NO;
      } else if (decoded instanceof HttpContent content) {
        data += content.content().readableBytes();
      }
    }
    if (!inRequest && out.size() == before && !lineEndsOnly(in, from, in.readerIndex())) {
      headTakenIn = true;
    }
    follow(started, size, line, data, in.readerIndex() - from);
  }

  /**
   * Whether part of a request head has come and the rest has not: a head that came behind the
   * request before it, in the same read, whose header timeout runs from when it is waited for,
   * since no read may follow to start it.
   */
  boolean midHead() {
    ByteBuf held = internalBuffer();
    return !inRequest && !refused && (headTakenIn || !lineEndsOnly(held, held.readerIndex(), held.writerIndex()));
  }

  /** Whether the bytes of {@code in} from {@code from} to {@code to} are CR and LF alone, which Netty's decoder skips before a head. */
  private static boolean lineEndsOnly(ByteBuf in, int from, int to) {
    return to <= from || in.forEachByte(from, to - from, b -> b == '\r' || b == '\n') < 0;
  }

  /** Moves the chunk framing on by what one call of Netty's decoder consumed: {@code consumed} bytes, {@code data} of them chunk data. */
  private void follow(Chunked started, long size, int line, long data, int consumed) {
    switch (started) {
      case SIZE -> {
        if (size < 0 || consumed < line) {
          return; // the line is not complete yet, or Netty refused it
        }
        if (size == 0) {
          at = Chunked.TRAILER;
          return;
        }
        left = size;
        afterData(data, consumed - line);
      }
      case DATA -> afterData(data, consumed);
      case DELIMITER -> at = consumed == 2 ? Chunked.SIZE : Chunked.DELIMITER;
      default -> {}
    }
  }

  /** {@code consumed} bytes went after a chunk's data began, {@code data} of them data; the CRLF after it may have too. */
  private void afterData(long data, long consumed) {
    left -= data;
    if (left > 0) {
      at = Chunked.DATA;
    } else {
      at = consumed == data + 2 ? Chunked.SIZE : Chunked.DELIMITER;
    }
  }

  /** The chunk size the line from {@code from} to {@code lf} starts with, or -1 where Netty will refuse it. */
  private static long hexPrefix(ByteBuf in, int from, int lf) {
    long size = 0;
    int digits = 0;
    for (int i = from; i < lf; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        break;
      }
      if (++digits > 8) {
        return -1; // over Integer.MAX_VALUE: Netty refuses it
      }
      size = size * 16 + digit;
    }
    return digits == 0 ? -1 : size;
  }

  /** What makes a request head one a proxy must refuse, or null. */
  private static String problem(HttpRequest request) {
    HttpHeaders headers = request.headers();
    int hosts = count(headers.valueStringIterator(HttpHeaderNames.HOST));
    if (hosts > 1) {
      return "more than one Host header";
    }
    if (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return "an HTTP/1.1 request without a Host header";
    }
    if (hosts == 1 && !RequestTargets.authority(headers.get(HttpHeaderNames.HOST))) {
      return "a Host header that is not a host and port";
    }
    // CONNECT's authority form is answered 501 by the connection, not taken for a malformed target
    boolean connect = request.method().equals(HttpMethod.CONNECT);
    String target = RequestTargets.problem(request.uri(), request.method().equals(HttpMethod.OPTIONS), connect);
    if (target != null) {
      return target;
    }
    if (!connect && RequestTargets.isAbsolute(request.uri())) {
      // in absolute form, its host is the target's, which an origin takes over Host (RFC 9112, 3.2.2), as nginx does: the replica
      // and X-Forwarded-Host are told the host the client asked for
      headers.set(HttpHeaderNames.HOST, RequestTargets.authorityOf(request.uri()));
    }
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING) && !chunkedAlone(headers)) {
      return "Transfer-Encoding must be chunked alone, was: " + String.join(", ", headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
    }
    return null;
  }

  /** Whether the request's transfer codings, over every field, are {@code chunked} alone. */
  private static boolean chunkedAlone(HttpHeaders headers) {
    int codings = 0;
    boolean chunked = false;
    for (Iterator<String> fields = headers.valueStringIterator(HttpHeaderNames.TRANSFER_ENCODING); fields.hasNext(); ) {
      for (String coding : fields.next().split(",", -1)) {
        codings++;
        chunked = coding.strip().equalsIgnoreCase(CHUNKED);
      }
    }
    return codings == 1 && chunked;
  }

  private static int count(Iterator<String> values) {
    int n = 0;
    for (; values.hasNext(); values.next()) {
      n++;
    }
    return n;
  }

  /**
   * Fails what was decoded at {@code index} (a request head, or the body it has) with {@code
   * problem}, drops what was decoded after it, and decodes nothing more on this connection.
   */
  private void refuse(ByteBuf in, List<Object> out, int index, String problem) {
    refused = true;
    at = Chunked.NO;
    in.skipBytes(in.readableBytes());
    while (out.size() > index + 1) {
      ReferenceCountUtil.release(out.remove(out.size() - 1));
    }
    DecoderResult failure = DecoderResult.failure(new IllegalArgumentException(problem));
    if (index < out.size() && out.get(index) instanceof HttpRequest request) {
      request.setDecoderResult(failure);
    } else {
      DefaultLastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      end.setDecoderResult(failure);
      out.add(end);
    }
  }
}
