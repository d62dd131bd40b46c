package io.ringlb.spi;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import java.util.List;

/**
 * Starts, stops and lists the replicas of one balancer. Built by a {@link ReplicaProvider};
 * called by the balancer's reconcile loop, one call at a time, so an implementation may block.
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

  /** Releases the launcher's own resources; whether replicas outlive it is the provider's. */
  @Override
  void close();
}
