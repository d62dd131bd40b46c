package io.ringlb.core.proxy;

import io.ringlb.api.Replica;

/**
 * What the data plane tells of the requests it forwards, on its event loops: an implementation
 * records without locks and returns at once. The admin endpoint's calls are not told.
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
  };

  /**
   * {@code replica} answered a request with {@code status}, the whole answer passed on to the
   * client {@code nanos} after the request was sent its way.
   */
  void answered(Replica replica, int status, long nanos);

  /** A request {@code failed} could not answer went on to the next replica of its ring order. */
  void retried(Replica failed);

  /** A connection to {@code replica} could not be made (refused, or not within the connect timeout). */
  void connectFailed(Replica replica);
}
