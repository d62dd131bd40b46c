package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.proxy.AttemptEnd.Result;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * One request on its way to a replica and its answer on the way back, all on the client
 * connection's event loop: the {@link ClientRequest}, an {@link Attempt} per replica tried, and
 * the answer relayed as its {@link Phase} says.
 *
 * <p>The request goes to the first candidate that can be connected to: nothing was sent to one
 * that could not. A replica that fails after the request went out, before any byte of its
 * answer, is passed over for the next candidate only when that cannot do harm: the method is
 * idempotent and the body so far was kept ({@code retryBodyBytes}), or the replica said it never
 * processed the request (an HTTP/2 GOAWAY or REFUSED_STREAM), whatever the method. Once the answer has started
 * towards the client, a failing replica closes the client's connection. How each attempt ended
 * is handed once to the plane's observers ({@link AttemptEnd}); the exchange's end, once to the
 * access log.
 *
 * <p>Bytes stream both ways without being held: reading from the client pauses while the
 * replica's connection takes no more, and reading from the replica while the client's does not.
 * Both read freely otherwise, which spares a system call per read.
 */
final class Exchange {

  private static final Duration LONGEST_SILENCE = Duration.ofDays(1);

  private final Downstream client;
  private final Plane plane;
  private final ReplicaPools pools;
  private final ClientRequest request;
  private final ResponseRelay relay;
  private final boolean toAdmin;
  private final Candidates candidates;
  /** A gRPC call's deadline, up to a day, in nanoseconds; 0 for another request, or a call that names none. */
  private final long deadlineNanos;
  /** How long a replica that has the whole request may stay silent before it is given up. */
  private final Duration silence;
  /** The attempt under way, or null between attempts and once the exchange is done. */
  private Attempt attempt;
  /** The replica of the last attempt: the one that answered, or failed last. */
  private Replica replica;
  /**
   * The replicas the request was sent to or tried, in order, for the access log: the one's name,
   * or names joined by commas after a retry or a resend ({@code S1,S2}, {@code S2,S2}), as nginx's
   * {@code $upstream_addr} lists them (without its space: the line's fields are split on spaces);
   * {@link AccessLogEntry#NO_REPLICA} before any.
   */
  private String tried = AccessLogEntry.NO_REPLICA;

  Exchange(Downstream client, Plane plane, ReplicaPools pools, HttpRequest head, Route route) {
    this.client = client;
    this.plane = plane;
    this.pools = pools;
    this.candidates = new Candidates(route.candidates());
    this.toAdmin = route.toAdmin();
    this.request = new ClientRequest(head, route.target(), client.address(), client.secure(), plane.logsAccess() ? plane.nanoTime() : 0L);
    // a gRPC client reads a replica's 404 itself (as UNIMPLEMENTED): the host's rewrite to its JSON 400 is no answer it could read
    this.relay = new ResponseRelay(client, request, toAdmin || request.grpc ? Optional.empty() : plane.rules().notFound(), route.path());
    this.deadlineNanos = request.grpc ? GrpcTimeout.nanos(head.headers(), LONGEST_SILENCE) : 0L;
    Duration responseTimeout = plane.settings().responseTimeout();
    this.silence = deadlineNanos > responseTimeout.toNanos() ? Duration.ofNanos(deadlineNanos) : responseTimeout;
  }

  /**
   * How long the client may leave its request unfinished and silent, given its connection's idle
   * timeout: that, or a gRPC call's later deadline. A stream may rightly be silent for long either
   * way (a watch that tells of changes as they come, a chat), and a gRPC client ends the call at
   * its deadline itself; the replica's silence is bounded the same way, by the response timeout
   * or the later deadline.
   */
  long clientSilenceNanos(long idleNanos) {
    return Math.max(idleNanos, deadlineNanos);
  }

  void start() {
    if (request.expectsBody) {
      client.reading(false); // the body waits in the client's socket until a replica takes it
    }
    tryNext();
  }

  /** Whether the client's connection should be read now: for this request's body, as fast as the replica takes it. */
  boolean readyForBody() {
    return !relay.done() && !request.complete() && (!request.expectsBody || (channel() != null && channel().isWritable()));
  }

  boolean requestComplete() {
    return request.complete();
  }

  /**
   * Waiting on a replica alone, which the response timeout bounds: the whole request went out and
   * the answer has not ended. Not the admin endpoint, which bounds its own calls: an {@code /add}
   * rightly waits up to {@code lb.start-timeout-ms} for its replicas.
   */
  boolean awaitingReplica() {
    return request.complete() && !relay.done() && !toAdmin;
  }

  private Channel channel() {
    return attempt == null ? null : attempt.channel();
  }

  // ---- the request, from the client ----

  void onRequestContent(HttpContent content) {
    if (relay.done()) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      refuse(HttpResponseStatus.BAD_REQUEST, "Malformed request body: " + content.decoderResult().cause().getMessage());
      return;
    }
    if (!request.take(content, plane.settings().maxBodyBytes(), plane.settings().retryBodyBytes())) {
      refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "The request body is larger than " + plane.settings().maxBodyBytes() + " bytes (lb.forward.max-body-bytes)");
      return;
    }
    if (channel() != null) {
      request.writeBody(channel());
      if (request.complete()) {
        attempt.connection().awaitAnswer(silence);
      }
    }
  }

  void onClientReadComplete() {
    Channel channel = channel();
    if (channel != null && !relay.done()) {
      if (request.complete() || channel.isWritable()) {
        pools.flushLater(channel);
        return;
      }
      // a body past the connection's high-water mark: out now, and the client paused only while it stays past it
      channel.flush();
      if (!channel.isWritable()) {
        client.reading(false);
      }
    }
  }

  void onClientWritable() {
    if (channel() != null && !relay.done()) {
      channel().config().setAutoRead(true);
      if (request.complete()) {
        attempt.connection().awaitAnswer(silence); // the replica was held back, not silent: its silence counts from now
      }
    }
  }

  /** The client sent nothing of its body for the idle timeout. */
  void onClientStalled() {
    refuse(HttpResponseStatus.REQUEST_TIMEOUT, "The request body stalled for longer than lb.client.idle-timeout-ms");
  }

  void onClientGone() {
    if (!relay.done()) {
      boolean begun = relay.phase().answerBegun();
      relay.end();
      logAccess(begun ? relay.clientStatus() : 499);
      endAttempt(false);
      request.release();
    }
  }

  // ---- connecting ----

  private void tryNext() {
    if (candidates.started()) {
      candidates.skipDeparted(pools::inRing);
    }
    if (candidates.none()) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica is in the ring");
      return;
    }
    if (!candidates.more()) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica could answer: tried " + candidates.triedNames());
      return;
    }
    Attempt next = toAdmin ? new Attempt(candidates.next(), 0L, null)
        : new Attempt(candidates.nextCounted(plane.router()), plane.nanoTime(), plane.router().loads());
    attempt = next;
    replica = next.replica;
    triedOn(next.replica);
    ReplicaPool pool = pools.pool(next.replica);
    pool.acquire(acquired -> onAcquired(next, pool, acquired), cause -> onConnectFailed(next, cause));
  }

  private void onConnectFailed(Attempt failed, Throwable cause) {
    if (relay.done() || failed != attempt) {
      return;
    }
    endAttempt(false);
    if (cause instanceof TimeoutException) {
      // the bound on connections is ours, not the replica's failure: queueing longer would not help
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, failed.replica.name() + " has no free connection (lb.forward.connections-per-replica)");
      return;
    }
    // a pool closed as its replica left the ring is no failure of the replica
    Result result = cause instanceof IllegalStateException ? Result.NOT_ITS_DOING
        : cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException ? Result.CONNECT_TIMED_OUT : Result.CONNECT_FAILED;
    tell(AttemptEnd.ended(failed.replica, result, result != Result.NOT_ITS_DOING && candidates.more()));
    tryNext(); // nothing was sent, so the next candidate is always safe
  }

  private void onAcquired(Attempt acquiring, ReplicaPool from, Channel acquired) {
    if (relay.done() || acquiring != attempt) {
      from.release(acquired, true);
      return;
    }
    acquiring.connected(from, acquired, this);
    acquiring.connection().sendHead(acquired, request.outbound);
    request.writeBody(acquired);
    pools.flushLater(acquired);
    if (request.complete()) {
      acquiring.connection().awaitAnswer(silence);
    } else {
      client.reading(acquired.isWritable());
    }
  }

  void onReplicaWritable() {
    if (!request.complete() && !relay.done()) {
      client.reading(true);
    }
  }

  // ---- the answer, from the replica ----

  void onResponse(HttpObject message) {
    if (relay.done()) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(message);
        onReplicaFailed(Outcome.FAILED, response.decoderResult().cause());
        return;
      }
      if (response.status().code() == 101 && !request.upgrade) {
        // a switch no one asked for (RFC 9110, 15.2.2), and one HTTP/2 cannot carry at all (RFC 9113, 8.6): a broken answer
        ReferenceCountUtil.release(message);
        onReplicaFailed(Outcome.FAILED, new IOException("the replica switched protocols unasked"));
        return;
      }
      head(response);
      if (message instanceof LastHttpContent && relay.phase() == Phase.RELAYING) {
        complete(); // an HTTP/2 replica's answer that ended with its headers, gone to the client whole (gRPC's trailers-only error)
        return;
      }
    }
    if (message instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        onReplicaFailed(Outcome.FAILED, content.decoderResult().cause());
        return;
      }
      switch (relay.body(content)) {
        case ENDED -> complete();
        case SWITCHED -> becomeTunnel();
        case MORE -> {}
      }
    }
  }

  private void head(HttpResponse response) {
    request.stopKeeping(); // the replica answered: its answer is the answer, whatever it is
    if (!toAdmin) {
      plane.router().loads().answered(replica); // a sign of life the fleet reads: slow, not hung
    }
    relay.head(response);
  }

  void onReplicaReadComplete() {
    client.flush();
    if (!relay.done() && channel() != null && !client.isWritable()) {
      channel().config().setAutoRead(false); // until the client has taken what it was sent
    }
  }

  void onReplicaFailed(Outcome outcome, Throwable cause) {
    if (relay.done()) {
      return;
    }
    boolean retrying = !relay.phase().answerBegun() && request.retryable() && candidates.more();
    if (attempt != null && !toAdmin) {
      tell(AttemptEnd.ended(attempt.replica, outcome == Outcome.TIMED_OUT ? Result.TIMED_OUT : Result.FAILED, retrying));
    }
    endAttempt(false);
    if (retrying) {
      if (!request.complete()) {
        client.reading(false); // until the next replica takes the body
      }
      tryNext();
    } else if (!relay.phase().answerBegun()) {
      answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica could answer: tried " + candidates.triedNames());
    } else if (outcome == Outcome.TIMED_OUT) {
      breakOff(HttpResponseStatus.GATEWAY_TIMEOUT, replica.name() + " was silent midway through its answer for longer than it may be");
    } else {
      breakOff(HttpResponseStatus.BAD_GATEWAY, replica.name() + " broke off its answer");
    }
  }

  /**
   * The replica ended a connection kept alive from an earlier request just as this one went out on
   * it, before answering: most likely it closed the connection idle and never read the request
   * (RFC 9112, 9.3.1), which a replica whose keep-alive timeout is shorter than the pool's idle
   * one ({@code lb.forward.idle-timeout-ms}; gunicorn's 2 s) does. An idempotent request whose
   * body was kept is sent again, on a new connection to the same replica, and that is no failure
   * of the replica's. Lost again, or any
   * other request, it fails as on any broken connection: a replica that closes the connection on
   * the request itself gets it twice at most. The admin endpoint's calls are not sent again: its
   * DELETE is no idempotent method.
   */
  void onKeptConnectionLost(Throwable cause) {
    if (relay.done()) {
      return;
    }
    if (toAdmin || relay.phase().answerBegun() || !request.retryable()) {
      onReplicaFailed(Outcome.FAILED, cause);
      return;
    }
    Attempt again = attempt;
    plane.events().resent(again.replica);
    triedOn(again.replica);
    ReplicaPool pool = again.dropConnection();
    request.rewind();
    if (!request.complete()) {
      client.reading(false); // until the new connection takes the body
    }
    pool.acquireNew(acquired -> onAcquired(again, pool, acquired), failure -> onConnectFailed(again, failure));
  }

  /**
   * The replica has left the ring (dead, unready or removed) while this request waited on it. A
   * request that may go elsewhere goes to the next candidate at once, instead of waiting out the
   * response timeout on a replica known to be gone; one whose answer has begun, or whose body was
   * not kept, stays where it is, as a drain lets it.
   */
  void onReplicaLeft() {
    moveOn(request.retryable());
  }

  /**
   * The replica said, by its GOAWAY or a REFUSED_STREAM reset, that it never processed this
   * request (RFC 9113, 6.8 and 8.7): it goes to the next candidate whatever its method, as long as
   * its body so far was kept, where a failure after sending would end a POST (a gRPC call among
   * them) with a 503.
   */
  void onReplicaRefused() {
    moveOn(request.replayable());
  }

  private void moveOn(boolean mayGoElsewhere) {
    if (relay.done() || relay.phase().answerBegun() || !mayGoElsewhere || toAdmin) {
      return;
    }
    tell(AttemptEnd.ended(replica, Result.NOT_ITS_DOING, true));
    endAttempt(false); // its connection closes: whatever the replica does with the request now reaches no one
    if (!request.complete()) {
      client.reading(false); // until the next replica takes the body
    }
    tryNext();
  }

  private void complete() {
    if (!toAdmin) {
      tell(AttemptEnd.answered(replica, relay.status(), plane.nanoTime() - attempt.startedNanos));
    }
    relay.end();
    logAccess(relay.clientStatus());
    endAttempt(relay.replicaKeepAlive() && request.complete());
    request.release();
    client.exchangeDone(relay.clientKeepAlive());
  }

  /** The client's connection and the replica's become one byte stream, each side read as the other writes. */
  private void becomeTunnel() {
    relay.end();
    logAccess(relay.status());
    attempt.uncount(); // a tunnel is a connection, no longer a request in flight
    request.release();
    Channel replicaChannel = attempt.detachForTunnel();
    attempt = null;
    // the connection never goes back to the pool; its place is freed when the tunnel closes
    ReplicaConnection.becomeTunnel(replicaChannel, client);
  }

  // ---- endings ----

  /**
   * Answers a body the client sent wrong or too slowly with an error of the data plane's own, or
   * breaks the answer off if it has begun; either way the client's connection closes after.
   */
  private void refuse(HttpResponseStatus refusal, String problem) {
    if (relay.done()) {
      return;
    }
    request.abandon(); // what is left of a body sent wrong or too slowly is not waited for
    endAttempt(false);
    if (relay.phase().answerBegun()) {
      breakOff(refusal, problem);
    } else {
      answer(refusal, problem);
    }
  }

  /**
   * The answer has begun and cannot be finished: the client's connection closes, or its stream is
   * reset, so it cannot take part of one for all of it. A gRPC call is ended with gRPC's status for
   * {@code refusal} and {@code problem} instead, where its client's protocol can carry them: a
   * reset would read as the client's own cancel.
   */
  private void breakOff(HttpResponseStatus refusal, String problem) {
    boolean finalHeadSent = relay.phase() == Phase.RELAYING;
    relay.end();
    logAccess(relay.clientStatus());
    request.release();
    if (request.grpc && finalHeadSent) {
      // trailers only after a final head: after an interim one alone they would be a final answer without a status
      client.abortCall(Answers.grpcTrailers(refusal, problem));
    } else {
      client.abort();
    }
  }

  private void answer(HttpResponseStatus answer, String problem) {
    relay.end();
    endAttempt(false);
    request.release();
    boolean keepAlive = request.keepsConnection();
    FullHttpResponse failure = request.grpc ? Answers.grpcFailure(answer, problem, !keepAlive) : Answers.failure(answer, problem, request.version, keepAlive);
    relay.answeredWith(failure);
    plane.events().answeredItself(answer.code());
    logAccess(answer.code());
    client.write(failure);
    client.exchangeDone(keepAlive);
  }

  /** Ends the attempt under way, if any: its load count, and its connection back to the pool. */
  private void endAttempt(boolean reusable) {
    if (attempt != null) {
      attempt.release(reusable);
      attempt = null;
    }
    request.rewind(); // no replica has any of the body now: the next gets every kept part, and none is let go as sent
  }

  /** Hands the plane's observers how an attempt at a replica ended; the admin endpoint's calls are told to no one. */
  private void tell(AttemptEnd end) {
    if (!toAdmin) {
      plane.attemptEnded(end);
    }
  }

  private void triedOn(Replica next) {
    if (plane.logsAccess()) {
      tried = tried == AccessLogEntry.NO_REPLICA ? next.name() : tried + "," + next.name(); // a second name only on a retry or a resend
    }
  }

  /** Hands the access log this request's entry: {@code answered}, the status the client got, and the replicas tried. */
  private void logAccess(int answered) {
    if (plane.logsAccess()) {
      plane.accessLog().log(new AccessLogEntry(client.address(), request.method, request.uri, request.version.text(), answered, relay.sentBytes(),
          tried, request.receivedNanos, plane.nanoTime()));
    }
  }
}
