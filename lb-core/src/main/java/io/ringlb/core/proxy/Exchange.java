package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * One request on its way to a replica and its answer on the way back, all on the client
 * connection's event loop.
 *
 * <p>The request goes to the first candidate that can be connected to: nothing was sent to one
 * that could not. A replica that fails after the request went out, before any byte of its
 * answer, is passed over for the next candidate only when that cannot do harm: the method is
 * idempotent and the body so far was kept ({@code retryBodyBytes}). Once the answer has started
 * towards the client, a failing replica closes the client's connection. Every failure is reported
 * for passive health.
 *
 * <p>Bytes stream both ways without being held: reading from the client pauses while the
 * replica's connection takes no more, and reading from the replica while the client's does not.
 * Both read freely otherwise, which spares a system call per read.
 *
 * <p>Each exchange hands the access log one entry as it ends: answered, refused, broken off, or
 * left by its client.
 */
final class Exchange {

  /** The methods a client may send twice to the same effect (RFC 9110 section 9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final ClientConnection client;
  private final Plane plane;
  private final ReplicaPools pools;
  private final HttpVersion clientVersion;
  private final boolean headRequest;
  private final HttpRequest outbound;
  /** The replicas to try, in order; an attempt the bound on loads sends further down moves its replica up. */
  private List<Replica> candidates;
  private final boolean toAdmin;
  private final String path;
  private final boolean clientKeepAlive;
  private final boolean upgrade;
  private final boolean expectsBody;
  /** The request line as the client sent it, for the access log. */
  private final String method;
  private final String uri;
  /** When the request's head was read, by the plane's clock; read only for the access log. */
  private final long receivedNanos;

  /** The body received so far: all of it while a retry may replay it, else only what is not yet sent. */
  private final List<HttpContent> body = new ArrayList<>();
  private int written;
  private long keptBytes;
  private long receivedBytes;
  private boolean retryable;
  private boolean requestComplete;

  private int tried;
  /** The replica the current attempt counts against in the router's loads, if any. */
  private Replica counted;
  /** When the current attempt went to its replica, by the plane's clock. */
  private long attemptStartedNanos;
  /** The replica's final status, once its answer has begun. */
  private int status;
  /** The answer's body bytes handed to the client so far. */
  private long sentBytes;
  private Replica replica;
  private ReplicaPool pool;
  private Channel channel;
  private ReplicaConnection connection;

  private boolean responseStarted;
  private boolean interim;
  private boolean switching;
  private boolean rewriting;
  private boolean replicaKeepAlive;
  private boolean clientKeepAliveAfter;
  private boolean done;

  Exchange(ClientConnection client, Plane plane, ReplicaPools pools, HttpRequest request, String target, String path,
      List<Replica> candidates, boolean toAdmin) {
    this.client = client;
    this.plane = plane;
    this.pools = pools;
    this.clientVersion = request.protocolVersion();
    this.headRequest = "HEAD".equals(request.method().name());
    this.candidates = candidates;
    this.toAdmin = toAdmin;
    this.path = path;
    this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    this.upgrade = ProxyHeaders.asksUpgrade(request);
    this.expectsBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    this.retryable = IDEMPOTENT.contains(request.method().name());
    this.method = request.method().name();
    this.uri = request.uri();
    this.receivedNanos = plane.logsAccess() ? plane.nanoTime().getAsLong() : 0L;
    this.outbound = ProxyHeaders.toReplica(request, target, client.address(), upgrade); // last: it edits the request
  }

  void start() {
    if (expectsBody) {
      client.reading(false); // the body waits in the client's socket until a replica takes it
    }
    tryNext();
  }

  /** Whether the client's connection should be read now: for this request's body, as fast as the replica takes it. */
  boolean readyForBody() {
    return !done && !requestComplete && (!expectsBody || (channel != null && channel.isWritable()));
  }

  boolean requestComplete() {
    return requestComplete;
  }

  /**
   * Waiting on a replica alone, which the response timeout bounds: the whole request went out and
   * the answer has not ended. Not the admin endpoint, which bounds its own calls: an {@code /add}
   * rightly waits up to {@code lb.start-timeout-ms} for its replicas.
   */
  boolean awaitingReplica() {
    return requestComplete && !done && !toAdmin;
  }

  // ---- the request, from the client ----

  void onRequestContent(HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      refuse(HttpResponseStatus.BAD_REQUEST, "Malformed request body: " + content.decoderResult().cause().getMessage());
      return;
    }
    int size = content.content().readableBytes();
    receivedBytes += size;
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (receivedBytes > plane.settings().maxBodyBytes()) {
      content.release();
      refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "The request body is larger than " + plane.settings().maxBodyBytes() + " bytes (lb.forward.max-body-bytes)");
      return;
    }
    if (retryable) {
      if (keptBytes + size <= plane.settings().retryBodyBytes()) {
        keptBytes += size;
      } else {
        stopKeeping();
      }
    }
    body.add(content);
    if (channel != null) {
      sendBody();
      if (requestComplete) {
        connection.awaitAnswer();
      }
    }
  }

  void onClientReadComplete() {
    if (channel != null && !done) {
      channel.flush();
      if (!requestComplete && !channel.isWritable()) {
        client.reading(false);
      }
    }
  }

  void onClientWritable() {
    if (channel != null && !done) {
      channel.config().setAutoRead(true);
      if (requestComplete) {
        connection.awaitAnswer(); // the replica was held back, not silent: its silence counts from now
      }
    }
  }

  /** The client sent nothing of its body for the idle timeout. */
  void onClientStalled() {
    refuse(HttpResponseStatus.REQUEST_TIMEOUT, "The request body stalled for longer than lb.client.idle-timeout-ms");
  }

  void onClientGone() {
    if (!done) {
      done = true;
      logAccess(responseStarted ? clientStatus() : 499, responseStarted ? replica : null);
      releaseReplica(false);
      releaseBody();
    }
  }

  // ---- connecting ----

  private void tryNext() {
    if (tried > 0) {
      skipDeparted();
    }
    if (candidates.isEmpty()) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica is in the ring");
      return;
    }
    if (tried == candidates.size()) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica could answer: tried " + triedNames());
      return;
    }
    if (!toAdmin) {
      count();
      attemptStartedNanos = plane.nanoTime().getAsLong();
    }
    Replica next = candidates.get(tried++);
    ReplicaPool nextPool = pools.pool(next);
    nextPool.acquire(acquired -> onAcquired(next, nextPool, acquired), cause -> onConnectFailed(next, cause));
  }

  /** Drops the candidates still to try that have left the ring since they were picked: none of them is worth a wait. */
  private void skipDeparted() {
    for (int i = tried; i < candidates.size(); i++) {
      if (!pools.inRing(candidates.get(i))) {
        List<Replica> staying = new ArrayList<>(candidates.subList(0, tried));
        for (Replica later : candidates.subList(tried, candidates.size())) {
          if (pools.inRing(later)) {
            staying.add(later);
          }
        }
        candidates = staying;
        return;
      }
    }
  }

  private void onConnectFailed(Replica target, Throwable cause) {
    if (done) {
      return;
    }
    uncount();
    if (cause instanceof TimeoutException) {
      // the bound on connections is ours, not the replica's failure: queueing longer would not help
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, target.name() + " has no free connection (lb.forward.connections-per-replica)");
      return;
    }
    if (!(cause instanceof IllegalStateException)) { // a pool closed as its replica left the ring is no failure of the replica
      report(target, cause instanceof ConnectTimeoutException ? Outcome.TIMED_OUT : Outcome.FAILED);
      if (!toAdmin) {
        plane.events().connectFailed(target);
        if (tried < candidates.size()) {
          plane.events().retried(target);
        }
      }
    }
    tryNext(); // nothing was sent, so the next candidate is always safe
  }

  private void onAcquired(Replica target, ReplicaPool from, Channel acquiredChannel) {
    if (done) {
      from.release(acquiredChannel, true);
      return;
    }
    replica = target;
    pool = from;
    channel = acquiredChannel;
    connection = channel.pipeline().get(ReplicaConnection.class);
    connection.attach(this);
    written = 0;
    channel.write(outbound);
    sendBody();
    channel.flush();
    if (requestComplete) {
      connection.awaitAnswer();
    } else {
      client.reading(channel.isWritable());
    }
  }

  private void sendBody() {
    for (int i = written; i < body.size(); i++) {
      channel.write(retryable ? body.get(i).retainedDuplicate() : body.get(i));
    }
    if (retryable) {
      written = body.size();
    } else {
      body.clear();
      written = 0;
    }
  }

  /** No more retries: what was sent is let go, what was not stays until it is. */
  private void stopKeeping() {
    if (!retryable) {
      return;
    }
    retryable = false;
    List<HttpContent> sent = body.subList(0, written);
    sent.forEach(ReferenceCounted::release);
    sent.clear();
    written = 0;
  }

  void onReplicaWritable() {
    if (!requestComplete && !done) {
      client.reading(true);
    }
  }

  // ---- the answer, from the replica ----

  void onResponse(HttpObject message) {
    if (done) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(message);
        onReplicaFailed(Outcome.FAILED, response.decoderResult().cause());
        return;
      }
      head(response);
    }
    if (message instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        onReplicaFailed(Outcome.FAILED, content.decoderResult().cause());
        return;
      }
      boolean last = content instanceof LastHttpContent;
      if (interim || switching || rewriting) {
        content.release();
        if (last) {
          if (interim) {
            interim = false;
          } else if (switching) {
            becomeTunnel();
          } else {
            complete();
          }
        }
        return;
      }
      sentBytes += content.content().readableBytes();
      client.write(content);
      if (last) {
        complete();
      }
    }
  }

  private void head(HttpResponse response) {
    stopKeeping(); // the replica answered: its answer is the answer, whatever it is
    if (!toAdmin) {
      plane.router().loads().answered(replica); // a sign of life the fleet reads: slow, not hung
    }
    status = response.status().code();
    if (status == 101 && upgrade) {
      switching = true;
      responseStarted = true;
      client.write(ProxyHeaders.interimToClient(response));
    } else if (status >= 100 && status < 200) {
      interim = true;
      if (!clientVersion.equals(HttpVersion.HTTP_1_0)) { // an HTTP/1.0 client takes no interim answers
        responseStarted = true;
        client.write(ProxyHeaders.interimToClient(response));
      }
    } else if (status == 404 && !toAdmin && plane.rules().notFound().isPresent()) {
      rewriting = true;
      responseStarted = true;
      replicaKeepAlive = HttpUtil.isKeepAlive(response);
      clientKeepAliveAfter = clientKeepAlive;
      FullHttpResponse rewritten = Answers.failure(HttpResponseStatus.BAD_REQUEST, plane.rules().notFound().get().apply(path), clientVersion,
          clientKeepAlive);
      sentBytes = rewritten.content().readableBytes();
      client.write(rewritten);
    } else {
      responseStarted = true;
      replicaKeepAlive = HttpUtil.isKeepAlive(response);
      HttpResponse out = ProxyHeaders.toClient(response, clientVersion, ProxyHeaders.bodyless(headRequest, status), clientKeepAlive);
      clientKeepAliveAfter = HttpUtil.isKeepAlive(out);
      client.write(out);
    }
  }

  void onReplicaReadComplete() {
    client.flush();
    if (!done && channel != null && !client.isWritable()) {
      channel.config().setAutoRead(false); // until the client has taken what it was sent
    }
  }

  void onReplicaFailed(Outcome outcome, Throwable cause) {
    if (done) {
      return;
    }
    report(replica, outcome);
    Replica failed = replica;
    releaseReplica(false);
    if (!responseStarted && retryable && tried < candidates.size()) {
      if (!requestComplete) {
        client.reading(false); // until the next replica takes the body
      }
      if (!toAdmin) {
        plane.events().retried(failed);
      }
      tryNext();
    } else if (!responseStarted) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica could answer: tried " + triedNames());
    } else {
      breakOff();
    }
  }

  /**
   * The replica has left the ring (dead, unready or removed) while this request waited on it. A
   * request that may go elsewhere goes to the next candidate at once, instead of waiting out the
   * response timeout on a replica known to be gone; one whose answer has begun, or whose body was
   * not kept, stays where it is, as a drain lets it.
   */
  void onReplicaLeft() {
    if (done || responseStarted || !retryable || toAdmin) {
      return;
    }
    Replica left = replica;
    releaseReplica(false); // its connection closes: whatever the replica does with the request now reaches no one
    if (!requestComplete) {
      client.reading(false); // until the next replica takes the body
    }
    plane.events().retried(left);
    tryNext();
  }

  private void complete() {
    if (!toAdmin) {
      plane.events().answered(replica, status, plane.nanoTime().getAsLong() - attemptStartedNanos);
    }
    done = true;
    logAccess(clientStatus(), replica);
    releaseReplica(replicaKeepAlive && requestComplete);
    releaseBody();
    client.exchangeDone(clientKeepAliveAfter && requestComplete);
  }

  /** The client's connection and the replica's become one byte stream, each side read as the other writes. */
  private void becomeTunnel() {
    done = true;
    logAccess(status, replica);
    uncount(); // a tunnel is a connection, no longer a request in flight
    releaseBody();
    Channel replicaChannel = channel;
    connection.detach();
    channel = null;
    // the connection never goes back to the pool; its place is freed when the tunnel closes
    ChannelPipeline replicaSide = replicaChannel.pipeline();
    HttpClientCodec codec = replicaSide.get(HttpClientCodec.class);
    codec.removeOutboundHandler();
    client.becomeTunnel(replicaChannel);
    replicaSide.addLast(new Tunnel(client.channel()));
    replicaSide.remove(ReplicaConnection.class);
    replicaSide.remove(IdleStateHandler.class);
    replicaSide.remove(codec); // what the replica sent after its 101 goes on to the tunnel
  }

  // ---- endings ----

  /** Answers the client with an error of the data plane's own, unless its answer has begun. */
  private void refuse(HttpResponseStatus status, String problem) {
    if (done) {
      return;
    }
    releaseReplica(false);
    if (responseStarted) {
      breakOff();
    } else {
      answer(status, problem);
    }
  }

  /** The answer has begun and cannot be finished: the client's connection closes, so it cannot take part of one for all of it. */
  private void breakOff() {
    done = true;
    logAccess(clientStatus(), replica);
    releaseBody();
    client.abort();
  }

  private void answer(HttpResponseStatus status, String problem) {
    done = true;
    releaseReplica(false);
    releaseBody();
    // a request without a body is as good as complete: its end follows the head and is let go
    boolean keepAlive = clientKeepAlive && (requestComplete || !expectsBody);
    FullHttpResponse failure = Answers.failure(status, problem, clientVersion, keepAlive);
    sentBytes = failure.content().readableBytes();
    logAccess(status.code(), null);
    client.write(failure);
    client.exchangeDone(keepAlive);
  }

  /** The status the client got the head of: the replica's, or the 400 its 404 became. */
  private int clientStatus() {
    return rewriting ? HttpResponseStatus.BAD_REQUEST.code() : status;
  }

  /** Hands the access log this request's entry, {@code by} the replica that answered, if any. */
  private void logAccess(int answered, Replica by) {
    if (plane.logsAccess()) {
      plane.accessLog().log(new AccessLogEntry(client.address(), method, uri, clientVersion.text(), answered, sentBytes,
          by == null ? AccessLogEntry.NO_REPLICA : by.name(), receivedNanos, plane.nanoTime().getAsLong()));
    }
  }

  private void releaseReplica(boolean reusable) {
    uncount();
    if (channel == null) {
      return;
    }
    connection.detach();
    if (reusable) {
      channel.config().setAutoRead(true); // a pooled connection reads, so a replica closing it is noticed at once
    }
    pool.release(channel, reusable);
    channel = null;
    connection = null;
    written = 0; // the next replica, if any, gets every kept part again
  }

  /** Counts the next attempt in the router's loads, at the next candidate or the first after it that bounded loads admit. */
  private void count() {
    uncount();
    int admitted = plane.router().begin(candidates, tried);
    if (admitted != tried) {
      List<Replica> reordered = new ArrayList<>(candidates);
      reordered.add(tried, reordered.remove(admitted));
      candidates = reordered;
    }
    counted = candidates.get(tried);
  }

  private void uncount() {
    if (counted != null) {
      plane.router().loads().end(counted);
      counted = null;
    }
  }

  private void releaseBody() {
    body.forEach(ReferenceCounted::release);
    body.clear();
    written = 0;
  }

  private void report(Replica failed, Outcome outcome) {
    if (!toAdmin && failed != null) {
      plane.onFailure().accept(failed, outcome);
    }
  }

  private String triedNames() {
    List<String> names = new ArrayList<>(tried);
    for (int k = 0; k < tried; k++) {
      names.add(candidates.get(k).name());
    }
    return String.join(", ", names);
  }
}
