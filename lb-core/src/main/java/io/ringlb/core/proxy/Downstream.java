package io.ringlb.core.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The client's side of an {@link Exchange}: where its answer goes and how the client's request
 * is paced. An HTTP/1.1 connection is one ({@link ClientConnection}); an HTTP/2 stream is another
 * ({@link ClientStream}), its frames turned into the same {@code HttpObject}s and back. All on
 * the client's event loop.
 */
interface Downstream {

  /** The client's IP address, for the key ({@code client-address}), the forwarding headers and the access log. */
  String address();

  /** Whether the client's connection is TLS: {@code X-Forwarded-Proto: https}. */
  boolean secure();

  /** Reads the client's request body on, or pauses it while the replica takes no more. */
  void reading(boolean on);

  /** Writes part of the answer: a head, a piece of the body, its end. */
  void write(Object message);

  void flush();

  /** Whether the client takes what it is sent: while it does not, the replica is not read. */
  boolean isWritable();

  /**
   * The answer has ended; {@code keepAlive} whether the client's connection may carry another
   * request, once it has read and let go what is still to come of this one's body.
   */
  void exchangeDone(boolean keepAlive);

  /** The answer broke off midway: the client must not take what it got for a whole answer. */
  void abort();

  /**
   * A gRPC call's answer broke off midway: ended with {@code trailers} (its {@code grpc-status}
   * and {@code grpc-message}) where the client's protocol can carry them, which tells the client
   * why; elsewhere as {@link #abort}.
   */
  default void abortCall(HttpHeaders trailers) {
    abort();
  }

  /**
   * After a {@code 101}: the client's bytes go to {@code replica} unchanged from now on. Answers
   * the channel the replica's bytes go to.
   */
  Channel becomeTunnel(Channel replica);
}
