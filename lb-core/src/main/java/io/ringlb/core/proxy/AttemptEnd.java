package io.ringlb.core.proxy;

import io.ringlb.api.Replica;

/**
 * How one attempt at a replica ended, handed once to what watches the data plane: passive
 * health hears of the failures, the metrics of everything.
 *
 * @param replica the replica tried
 * @param result how it ended
 * @param retried whether the request went on to another replica after it
 * @param status the replica's status, for {@link Result#ANSWERED}; 0 otherwise
 * @param nanos from the attempt's start to its end, for {@link Result#ANSWERED}; 0 otherwise
 */
record AttemptEnd(Replica replica, Result result, boolean retried, int status, long nanos) {

  enum Result {
    /** The whole answer was passed on to the client. */
    ANSWERED,
    /** No connection could be made: refused, reset. */
    CONNECT_FAILED,
    /** No connection within the connect timeout. */
    CONNECT_TIMED_OUT,
    /** The replica failed after the request went out: closed, reset, or answered what is not HTTP. */
    FAILED,
    /** The replica sent nothing for the response timeout. */
    TIMED_OUT,
    /** Not the replica's doing: it left the ring, its pool had no free connection, or the exchange ended otherwise. */
    NOT_ITS_DOING
  }

  static AttemptEnd answered(Replica replica, int status, long nanos) {
    return new AttemptEnd(replica, Result.ANSWERED, false, status, nanos);
  }

  static AttemptEnd ended(Replica replica, Result result, boolean retried) {
    return new AttemptEnd(replica, result, retried, 0, 0);
  }
}
