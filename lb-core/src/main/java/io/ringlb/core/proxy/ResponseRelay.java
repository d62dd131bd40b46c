package io.ringlb.core.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Optional;
import java.util.function.Function;

/**
 * A replica's answer on its way to the client, as its {@link Phase} says: interim answers passed
 * on or held, the final head made the client's, its body relayed as it comes, a {@code 404}
 * answered as the host's rules say, a switch of protocols made ready for the tunnel. Confined to
 * the event loop of the request's exchange, which ends it.
 */
final class ResponseRelay {

  /** What a part of the replica's body left to do. */
  enum Step {
    /** More is to come. */
    MORE,
    /** The answer has ended: the exchange completes. */
    ENDED,
    /** The replica's head for the switch has ended: the connections become a tunnel. */
    SWITCHED
  }

  private final Downstream client;
  private final ClientRequest request;
  /** The message of the 400 a 404 becomes, for this request's path; empty to pass the 404 on. */
  private final Optional<Function<String, String>> notFound;
  private final String path;

  private Phase phase = Phase.AWAITING;
  /** The replica's last status, once its answer has begun. */
  private int status;
  /** The status the client got the head of: the replica's, or the host's 400 its 404 became. */
  private int clientStatus;
  /** The answer's body bytes handed to the client so far. */
  private long sentBytes;
  private boolean replicaKeepAlive;
  private boolean clientKeepAliveAfter;

  ResponseRelay(Downstream client, ClientRequest request, Optional<Function<String, String>> notFound, String path) {
    this.client = client;
    this.request = request;
    this.notFound = notFound;
    this.path = path;
  }

  Phase phase() {
    return phase;
  }

  boolean done() {
    return phase == Phase.DONE;
  }

  /** Ends the relay, whatever it was at: the exchange has ended. */
  void end() {
    phase = Phase.DONE;
  }

  int status() {
    return status;
  }

  int clientStatus() {
    return clientStatus;
  }

  long sentBytes() {
    return sentBytes;
  }

  /** Whether the replica's connection may serve another request once this answer has ended. */
  boolean replicaKeepAlive() {
    return replicaKeepAlive;
  }

  /** Whether the client's connection stays open once this answer has ended. */
  boolean clientKeepAlive() {
    return clientKeepAliveAfter;
  }

  /** The data plane answered the client itself, with {@code answer}. */
  void answeredWith(FullHttpResponse answer) {
    sentBytes = answer.content().readableBytes();
  }

  /**
   * A head from the replica: interim, or the final one. A final one that is a whole answer
   * ({@code FullHttpResponse}, from an HTTP/2 replica) is relayed whole, body and trailers
   * included: the exchange completes without handing its body to {@link #body}.
   */
  void head(HttpResponse response) {
    status = response.status().code();
    clientStatus = status;
    if (status == 101 && request.upgrade) {
      phase = Phase.SWITCHING;
      client.write(ProxyHeaders.interimToClient(response));
    } else if (status >= 100 && status < 200) {
      // an HTTP/1.0 client takes no interim answers
      phase = request.version.equals(HttpVersion.HTTP_1_0) ? Phase.INTERIM_HELD : Phase.INTERIM;
      if (phase == Phase.INTERIM) {
        client.write(ProxyHeaders.interimToClient(response));
      }
    } else if (status == 404 && notFound.isPresent()) {
      phase = Phase.REWRITING;
      clientStatus = HttpResponseStatus.BAD_REQUEST.code();
      replicaKeepAlive = HttpUtil.isKeepAlive(response);
      clientKeepAliveAfter = request.keepsConnection();
      FullHttpResponse rewritten = Answers.failure(HttpResponseStatus.BAD_REQUEST, notFound.get().apply(path), request.version, clientKeepAliveAfter);
      sentBytes = rewritten.content().readableBytes();
      client.write(rewritten);
    } else {
      phase = Phase.RELAYING;
      replicaKeepAlive = HttpUtil.isKeepAlive(response);
      HttpResponse out = ProxyHeaders.toClient(response, request.version, ProxyHeaders.bodyless(request.head, status), request.keepsConnection());
      clientKeepAliveAfter = HttpUtil.isKeepAlive(out);
      if (out instanceof FullHttpResponse whole) {
        sentBytes += whole.content().readableBytes(); // an HTTP/2 replica's whole answer: it goes on whole, a HEADERS frame that ends the stream
      }
      client.write(out);
    }
  }

  /** A part of the replica's body: passed on while relaying, dropped otherwise. */
  Step body(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (phase == Phase.RELAYING) {
      sentBytes += content.content().readableBytes();
      client.write(content);
      return last ? Step.ENDED : Step.MORE;
    }
    content.release();
    if (!last) {
      return Step.MORE;
    }
    return switch (phase) {
      case INTERIM -> {
        phase = Phase.CONTINUED;
        yield Step.MORE;
      }
      case INTERIM_HELD -> {
        phase = Phase.AWAITING;
        yield Step.MORE;
      }
      case SWITCHING -> Step.SWITCHED;
      case REWRITING -> Step.ENDED;
      default -> Step.MORE; // a body with no head: the decoder makes none
    };
  }
}
