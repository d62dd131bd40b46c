package io.ringlb.core.proxy;

import io.ringlb.api.Replica;

/**
 * What the data plane tells of the requests it forwards, and of the client connections it ends,
 * on its event loops: an implementation records without locks and returns at once. The admin
 * endpoint's calls are not told.
 */
public interface RequestEvents {

  /** Tells nothing to no one. */
  RequestEvents NONE = new RequestEvents() {
    @Override
    public void answered(Replica replica, int status, long nanos) {}

    @Override
    public void retried(Replica failed) {}

    @Override
    public void connectFailed(Replica replica) {}

    @Override
    public void clientConnectionFailed(String reason) {}
  };

  /**
   * {@code replica} answered a request with {@code status}, the whole answer passed on to the
   * client {@code nanos} after the request was sent its way.
   */
  void answered(Replica replica, int status, long nanos);

  /** A request {@code failed} could not answer went on to the next replica of its ring order. */
  void retried(Replica failed);

  /**
   * A request went to {@code replica} again, on a new connection, after the replica closed a
   * kept-alive one under it before answering: the race of a keep-alive timeout shorter than the
   * pool's. Told to no one unless implemented.
   */
  default void resent(Replica replica) {}

  /** A connection to {@code replica} could not be made (refused, or not within the connect timeout). */
  void connectFailed(Replica replica);

  /**
   * A client's connection was ended for what it sent outside any one request, which no request
   * counts and the log tells only at DEBUG: {@code tls_handshake}, a TLS handshake that failed (a
   * connection closed before its handshake finished is not one); {@code tls_handshake_timeout}, one
   * not finished within {@code lb.client.header-timeout-ms}; {@code http2_} and the error's name, an HTTP/2 connection error answered with a
   * GOAWAY ({@code http2_enhance_your_calm} for a rapid reset or a flood of frames, {@code
   * http2_protocol_error} for a frame out of place, {@code http2_frame_size_error} ...).
   */
  void clientConnectionFailed(String reason);

  /**
   * The data plane answered a request with {@code status}, an error of its own and no replica's: a
   * request it refused (400, 408, 413, 414, 431, 501), or one no replica could answer (503). The
   * admin endpoint's calls are told too: it is the plane that answers them so. A gRPC call's is
   * told by the HTTP status its gRPC status stands for (503 for {@code UNAVAILABLE}). Told to no
   * one unless implemented, so an implementation written before it still compiles.
   */
  default void answeredItself(int status) {}
}
