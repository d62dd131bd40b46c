package io.ringlb.spi;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import java.util.List;

/**
 * Starts, stops and lists the replicas of one balancer. Built by a {@link ReplicaProvider};
 * called by the balancer's control loop from threads of its own, so an implementation may
 * block. Calls for one replica never overlap; calls for different replicas may, so an
 * implementation must be safe to call from several threads at once.
 */
public interface ReplicaLauncher extends AutoCloseable {

  /**
   * Starts a replica and answers where it listens, once its process or container runs; the
   * balancer then waits for a passing heartbeat before routing to it.
   *
   * @throws ReplicaLaunchException if the replica could not be started
   */
  Replica start(ReplicaSpec spec);

  /** Stops the replica and releases what it held; stopping one that is gone is not an error. */
  void stop(Replica replica);

  /**
   * The replicas this launcher's balancer started and that still exist, so a restarted
   * balancer adopts them instead of starting duplicates.
   */
  List<Replica> list();

  /**
   * For an operator whose replicas never pass a heartbeat: how this launcher chose the address
   * the balancer reaches replicas at, and the property that changes it. Empty when there is no
   * choice to make.
   */
  default String reachability() {
    return "";
  }

  /** Releases the launcher's own resources; whether replicas outlive it is the provider's. */
  @Override
  void close();
}
