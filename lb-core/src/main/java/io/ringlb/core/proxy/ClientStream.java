package io.ringlb.core.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * One HTTP/2 stream from a client: one request, routed on its own key, whatever else its
 * connection carries. Its frames come from {@link ClientStreams}, the connection's handler, and
 * become Netty's {@code HttpObject}s here, so the same {@link Exchange} forwards it as an
 * HTTP/1.1 request, retries and observers included; its answer goes back as the stream's frames
 * ({@link ResponseFrames}). Back-pressure is the stream's flow control: while the exchange pauses
 * reading, what the client sent is not acknowledged, so its window shuts and it sends no more.
 * All on the connection's event loop.
 */
final class ClientStream implements Downstream {

  /** How an HTTP/2 request shows in the access log. */
  static final HttpVersion HTTP_2 = HttpVersion.valueOf("HTTP/2.0");

  private final ClientStreams connection;
  private final Http2FrameStream stream;
  private Exchange exchange;
  private boolean begun;
  private boolean reading = true;
  /** What the client sent that is not acknowledged yet: its window, held shut while reading pauses. */
  private int unacknowledged;
  /** When the stream last read and wrote, on the plane's clock: what its idle timeout counts from. */
  private long lastRead;
  private long lastWrite;
  /** Whether the client has ended its side of the stream: its request, body and all. */
  private boolean requestEnded;
  /** Whether the answer's last frame has gone out while the client may still be sending: see {@link #askToStopSending}. */
  private boolean answerSent;
  /** Whether the stream has closed: reset, by either side, or ended with its connection. */
  private boolean closed;
  /** Whether the connection's read under way brought this stream something; see {@link ClientStreams}. */
  boolean readThisTurn;

  ClientStream(ClientStreams connection, Http2FrameStream stream, long now) {
    this.connection = connection;
    this.stream = stream;
    this.lastRead = now;
    this.lastWrite = now;
  }

  // ---- from the client ----

  /** A HEADERS frame: the request's head, or, after it, its trailers. */
  void onHeaders(Http2Headers headers, boolean endStream, long now) {
    lastRead = now;
    requestEnded |= endStream;
    if (!begun) {
      begun = true;
      begin(headers, endStream);
    } else if (exchange != null) {
      LastHttpContent trailers = Http2Fields.trailers(headers) ? trailers(headers) : null;
      if (trailers == null) {
        resetOnFailure(Http2Error.PROTOCOL_ERROR); // malformed (RFC 9113, 8.1.1)
        return;
      }
      exchange.onRequestContent(trailers);
    }
  }

  /** A DATA frame: a piece of the body, the last when it ends the stream. */
  void onData(Http2DataFrame data, long now) {
    lastRead = now;
    requestEnded |= data.isEndStream();
    int flowControlled = data.initialFlowControlledBytes();
    if (exchange != null) {
      HttpContent content = data.isEndStream() ? new DefaultLastHttpContent(data.content()) : new DefaultHttpContent(data.content());
      exchange.onRequestContent(content);
    } else {
      data.release(); // the rest of a request already answered
    }
    if (reading) {
      acknowledge(flowControlled);
    } else {
      unacknowledged += flowControlled;
    }
  }

  private void begin(Http2Headers headers, boolean endStream) {
    HttpRequest request = Http2Fields.head(headers) ? request(headers) : null;
    if (request == null) {
      // a malformed request is a stream error of type PROTOCOL_ERROR (RFC 9113, 8.1.1); nothing of it reached a replica
      resetOnFailure(Http2Error.PROTOCOL_ERROR);
      return;
    }
    ProxyHeaders.dropConversionHeaders(request.headers());
    if (!endStream && !HttpUtil.isContentLengthSet(request)) {
      request.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // a body of a length not given
    }
    HttpRequest head = new DefaultHttpRequest(HTTP_2, request.method(), request.uri(), request.headers());
    if (!head.headers().contains(HttpHeaderNames.HOST)) {
      // the conversion makes Host of :authority; with neither, the replica would get an HTTP/1.1 request without one (RFC 9110, 7.2)
      refuse(head, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request: an HTTP/2 request without :authority or host");
      return;
    }
    if (head.method().equals(HttpMethod.CONNECT)) {
      refuse(head, HttpResponseStatus.NOT_IMPLEMENTED, Answers.NO_TUNNELS);
      return;
    }
    long length = HttpUtil.getContentLength(head, -1L);
    long maxBody = connection.plane().settings().maxBodyBytes();
    if (length > maxBody) {
      refuse(head, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "The request body of " + length + " bytes is larger than " + maxBody + " bytes (lb.forward.max-body-bytes)");
      return;
    }
    exchange = new Exchange(this, connection.plane(), connection.pools(), head, Route.of(connection.plane(), head, address()));
    exchange.start();
    if (endStream && exchange != null) {
      exchange.onRequestContent(LastHttpContent.EMPTY_LAST_CONTENT); // a stream that ended with its headers: its (empty) body ends the request
    }
  }

  /** The request's head as HTTP/1.1, or null where Netty's conversion finds it malformed (a pseudo-header missing or repeated, a bad field). */
  private HttpRequest request(Http2Headers headers) {
    try {
      return HttpConversionUtil.toHttpRequest(stream.id(), headers, true);
    } catch (Http2Exception | IllegalArgumentException malformed) {
      return null;
    }
  }

  /** The request's trailers as HTTP/1.1's last content, or null where Netty's conversion finds them malformed. */
  private LastHttpContent trailers(Http2Headers headers) {
    LastHttpContent trailers = new DefaultLastHttpContent();
    try {
      HttpConversionUtil.addHttp2ToHttpHeaders(stream.id(), headers, trailers.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
      return trailers;
    } catch (Http2Exception | IllegalArgumentException malformed) {
      return null;
    }
  }

  /** Answers with an error of the data plane's own before any exchange began, and logs it; what the client still sends is let go. */
  private void refuse(HttpRequest head, HttpResponseStatus status, String problem) {
    FullHttpResponse answer = Answers.isGrpc(head) ? Answers.grpcFailure(status, problem, false) : Answers.failure(status, problem, HTTP_2, true);
    Plane plane = connection.plane();
    plane.events().answeredItself(status.code());
    if (plane.logsAccess()) {
      long now = plane.nanoTime();
      plane.accessLog().log(new AccessLogEntry(address(), head.method().name(), head.uri(), HTTP_2.text(), status.code(), answer.content().readableBytes(),
          AccessLogEntry.NO_REPLICA, now, now));
    }
    write(answer);
    flush();
  }

  /** The connection's read that brought this stream frames has ended: what went to the replica is sent on. */
  void onReadComplete() {
    if (exchange != null) {
      exchange.onClientReadComplete();
    }
  }

  /** The stream was reset by the client, or ended with its connection. */
  void onClosed() {
    closed = true;
    if (exchange != null) {
      Exchange gone = exchange;
      exchange = null;
      gone.onClientGone();
    }
  }

  /**
   * The answer's last frame has left the stream's flow control before the client ended its side
   * (the stream is half closed, ours): it is asked to stop sending once this turn's writes are
   * done, since an answer's own end may be what brought the stream here.
   */
  void onAnswerSent() {
    answerSent = true;
    connection.context().executor().execute(this::askToStopSending);
  }

  /**
   * Resets the stream with {@code NO_ERROR} once its answer went out whole and its exchange is
   * done, while its client is still sending: what it sends is let go, and RFC 9113 (8.1) lets a
   * server that answered ask it to stop so, rather than have a long upload sent to no one.
   */
  private void askToStopSending() {
    if (answerSent && exchange == null && !requestEnded && !closed) {
      answerSent = false;
      reset(Http2Error.NO_ERROR);
    }
  }

  /** The client opened the stream's window, or its connection's: it took part of what it was sent, which counts as the answer going on. */
  void onTaken(long now) {
    lastWrite = now;
  }

  /** The stream's window, or its connection's, opened. */
  void onWritabilityChanged() {
    if (exchange != null && isWritable()) {
      exchange.onClientWritable();
    }
  }

  /**
   * The stream's own idle timeout ({@code lb.client.idle-timeout-ms}), as an idle handler on an
   * HTTP/1.1 connection: a body that stalls is answered 408; an answer the client takes nothing of
   * (its window shut, and not opened again) for the whole timeout resets the stream, which frees
   * the replica. Once answered, a stream is reset when its client has not ended its side a whole
   * timeout on, or takes nothing of what is left of the answer for as long; an answer still being
   * taken, slowly, is not cut off. A gRPC call's later deadline puts off the 408 until then.
   */
  void onTick(long now, long idleNanos) {
    boolean readIdle = now - lastRead >= idleNanos;
    boolean writeIdle = now - lastWrite >= idleNanos;
    if (exchange == null) {
      if (requestEnded ? writeIdle : readIdle || writeIdle) {
        reset(Http2Error.CANCEL);
      }
    } else if (writeIdle && !isWritable()) {
      reset(Http2Error.CANCEL);
    } else if (!exchange.requestComplete() && reading && now - lastRead >= exchange.clientSilenceNanos(idleNanos)) {
      lastRead = now;
      exchange.onClientStalled();
    }
  }

  private void reset(Http2Error error) {
    connection.context().writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream));
    onClosed(); // the codec tells of the closed stream too; by then there is nothing left to end
  }

  private void acknowledge(int bytes) {
    if (bytes > 0) {
      connection.context().write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream));
    }
  }

  // ---- the exchange's downstream ----

  @Override
  public String address() {
    return connection.address();
  }

  @Override
  public boolean secure() {
    return connection.secure();
  }

  @Override
  public void reading(boolean on) {
    if (on == reading) {
      return;
    }
    reading = on;
    if (on && unacknowledged > 0) {
      acknowledge(unacknowledged);
      unacknowledged = 0;
      connection.context().flush();
    }
  }

  @Override
  public void write(Object message) {
    lastWrite = connection.plane().nanoTime();
    ResponseFrames.write(connection.context(), stream, (HttpObject) message);
  }

  @Override
  public void flush() {
    connection.context().flush();
  }

  @Override
  public boolean isWritable() {
    return connection.isWritable(stream);
  }

  /**
   * The answer's end also ended the stream; an HTTP/2 connection is never closed for one
   * request's sake. A client still sending a body answered early (a refusal) is asked to stop
   * once the answer has gone out ({@link #askToStopSending}); until it does, what it sends is read
   * and let go, so its flow control does not hold the stream open.
   */
  @Override
  public void exchangeDone(boolean keepAlive) {
    exchange = null;
    flush();
    reading(true);
    askToStopSending();
  }

  /** The answer broke off midway: what was relayed goes out, then the stream is reset, which tells the client it is not whole. */
  @Override
  public void abort() {
    exchange = null;
    flush();
    reset(Http2Error.CANCEL);
  }

  /**
   * A gRPC call whose answer broke off: ended with {@code trailers}, a last HEADERS frame, which
   * gRPC's clients read as the call's status (a reset would read as CANCELLED, the client's own
   * doing). A client still sending is asked to stop, as after an answer.
   */
  @Override
  public void abortCall(HttpHeaders trailers) {
    exchange = null;
    write(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    flush();
    reading(true);
    askToStopSending();
  }

  /** HTTP/2 has no {@code 101}: a request cannot switch its stream's protocol (RFC 9113, 8.6). */
  @Override
  public Channel becomeTunnel(Channel replica) {
    throw new UnsupportedOperationException("an HTTP/2 stream does not switch protocols");
  }

  /**
   * The stream failed: a request that could not be routed (a key extractor failed) or converted,
   * a frame the codec refused (a body longer than its content-length, DATA after its end): the
   * stream is reset with {@code error}, its exchange ended.
   */
  void resetOnFailure(Http2Error error) {
    Exchange failed = exchange;
    exchange = null;
    reset(error);
    if (failed != null) {
      failed.onClientGone();
    }
  }
}
