package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a client sent, whatever replica it goes to: the head as it will be forwarded, and the body
 * as it arrives. Until a replica begins answering, a body up to {@code retryBodyBytes} is kept, to
 * be sent again to the next replica: after any failure for an idempotent method, and for any
 * method after a replica that says it never processed the request (HTTP/2's GOAWAY or
 * REFUSED_STREAM). Once the body outgrew that bound, or a replica began answering, only what is
 * not yet sent is held.
 *
 * <p>Confined to the client connection's event loop, as its exchange is.
 */
final class ClientRequest {

  /** The methods a client may send twice to the same effect (RFC 9110 section 9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  /**
   * The most of a body, still to come when its answer begins, that the client's connection reads
   * and lets go to serve the next request: a short upload's rest costs less than a new connection;
   * a long one's the client is better told to stop sending.
   */
  private static final long DRAINED_BYTES = 64 * 1024;

  final HttpVersion version;
  final String method;
  /** The request target as the client sent it, for the access log. */
  final String uri;
  final boolean head;
  final boolean keepAlive;
  /** It asks to switch protocols (a WebSocket handshake). */
  final boolean upgrade;
  /** A body follows the head. */
  final boolean expectsBody;
  /** The body's length as {@code Content-Length} declares it; -1 for a chunked body. */
  private final long declaredLength;
  /** The client waits for a {@code 100 Continue} before it sends the body, and may never send it. */
  private final boolean awaitsContinue;
  /** A gRPC call: the data plane's own failures are answered as gRPC's, not the API's JSON. */
  final boolean grpc;
  /** The head as the replica gets it. */
  final HttpRequest outbound;
  /** When the head was read, by the plane's clock; read only for the access log. */
  final long receivedNanos;

  /** The body received so far: all of it while a retry may replay it, else only what is not yet sent. */
  private final List<HttpContent> body = new ArrayList<>();
  /** How many parts of {@link #body} the current replica has. */
  private int written;
  private long keptBytes;
  private long receivedBytes;
  private final boolean idempotent;
  /** Whether every part of the body received so far is held, to be sent again. */
  private boolean kept = true;
  private boolean complete;
  /** The rest of the body is not to be read: it stalled, was malformed or outgrew its limit. */
  private boolean abandoned;

  /**
   * @param target the origin-form target the replica is sent
   * @param clientAddress the client's address, for {@code X-Forwarded-For}
   * @param secure whether it came over TLS, for {@code X-Forwarded-Proto}
   */
  ClientRequest(HttpRequest request, String target, String clientAddress, boolean secure, long receivedNanos) {
    this.version = request.protocolVersion();
    this.method = request.method().name();
    this.uri = request.uri();
    this.head = "HEAD".equals(method);
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.upgrade = ProxyHeaders.asksUpgrade(request);
    this.declaredLength = HttpUtil.isTransferEncodingChunked(request) ? -1L : HttpUtil.getContentLength(request, 0L);
    this.expectsBody = declaredLength != 0;
    this.awaitsContinue = HttpUtil.is100ContinueExpected(request);
    this.grpc = Answers.isGrpc(request);
    this.idempotent = IDEMPOTENT.contains(method);
    this.receivedNanos = receivedNanos;
    this.outbound = ProxyHeaders.toReplica(request, target, clientAddress, secure, upgrade); // last: it edits the request
  }

  /**
   * Whether the client's connection serves its next request after an answer that begins now: the
   * client asked for it, and the request's body has all come, or it has none (its end follows the
   * head and is let go), or the rest of it may be read and let go first, as nginx does: not
   * {@link #abandon abandoned}, its length declared, at most {@link #DRAINED_BYTES} of it still to
   * come, and no {@code 100 Continue} awaited, without which the client may not send it at all. Otherwise
   * the connection closes after the answer, and the answer says so (RFC 9112, 9.6), so that no
   * client sends its next request into the rest of this one's body.
   */
  boolean keepsConnection() {
    return keepAlive && (complete || !expectsBody
        || !abandoned && declaredLength >= 0 && declaredLength - receivedBytes <= DRAINED_BYTES && !awaitsContinue);
  }

  /** The rest of the body will not be read, since the client sent it wrong or too slowly: no answer now keeps the connection. */
  void abandon() {
    abandoned = true;
  }

  /** Whether the request may go to another replica after any failure: idempotent, and its body so far kept. */
  boolean retryable() {
    return idempotent && kept;
  }

  /** Whether the request may go to another replica that never processed it, whatever its method: its body so far kept. */
  boolean replayable() {
    return kept;
  }

  /** Whether the whole request has arrived, its body's end included. */
  boolean complete() {
    return complete;
  }

  /**
   * Takes the next part of the body.
   *
   * @return false, with the part let go, when the body has grown past {@code maxBodyBytes}
   */
  boolean take(HttpContent content, long maxBodyBytes, long retryBodyBytes) {
    int size = content.content().readableBytes();
    receivedBytes += size;
    if (content instanceof LastHttpContent) {
      complete = true;
    }
    if (receivedBytes > maxBodyBytes) {
      content.release();
      return false;
    }
    if (kept) {
      if (keptBytes + size <= retryBodyBytes) {
        keptBytes += size;
      } else {
        stopKeeping();
      }
    }
    body.add(content);
    return true;
  }

  /** Writes to the replica's connection, unflushed, the parts of the body it does not have yet. */
  void writeBody(Channel replica) {
    for (int i = written; i < body.size(); i++) {
      replica.write(kept ? body.get(i).retainedDuplicate() : body.get(i));
    }
    if (kept) {
      written = body.size();
    } else {
      body.clear();
      written = 0;
    }
  }

  /** The attempt at a replica ended: the next replica, if any, gets every kept part again. */
  void rewind() {
    written = 0;
  }

  /** No more retries: what was sent is let go, what was not stays until it is. */
  void stopKeeping() {
    if (!kept) {
      return;
    }
    kept = false;
    for (int i = 0; i < written; i++) {
      body.get(i).release();
    }
    if (written == body.size()) {
      body.clear(); // all of it sent, as nearly always
    } else {
      body.subList(0, written).clear();
    }
    written = 0;
  }

  /** Lets go of every part held. */
  void release() {
    body.forEach(ReferenceCounted::release);
    body.clear();
    written = 0;
  }
}
