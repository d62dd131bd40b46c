package io.ringlb.core.proxy;

/**
 * Where an exchange's answer stands. Until it leaves {@link #AWAITING} nothing has reached the
 * client, so the request may still go to another replica.
 */
enum Phase {
  /** No answer has reached the client. */
  AWAITING,
  /** A 1xx answer an HTTP/1.0 client does not take: dropped, and the final answer awaited as if none came. */
  INTERIM_HELD,
  /** A 1xx answer passed on to the client; the final answer follows. */
  INTERIM,
  /** A 1xx answer has reached the client and ended; the final answer is awaited. */
  CONTINUED,
  /** The final answer is being passed on. */
  RELAYING,
  /** The replica's 404 was answered with the host's 400; the replica's body is dropped. */
  REWRITING,
  /** The replica agreed to switch protocols; once its head ends, both connections become a tunnel. */
  SWITCHING,
  /** Ended: answered, refused, broken off, left by the client, or become a tunnel. */
  DONE;

  /** Whether the client has had part of an answer, so the request can no longer go elsewhere. */
  boolean answerBegun() {
    return this != AWAITING && this != INTERIM_HELD;
  }
}
