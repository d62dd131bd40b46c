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
   * Ends a replica found dead or hung, at once: it has nothing to finish, and a stopped or
   * deadlocked process would spend a graceful stop's whole grace ignoring it while its
   * replacement waits. Ending one that is gone is not an error. {@link #stop} by default.
   */
  default void kill(Replica replica) {
    stop(replica);
  }

  /**
   * Whether the replica's process is known to be stopped: {@code SIGSTOP}, {@code docker
   * pause}, a frozen cgroup. A stopped replica answers nothing and will not, however long one
   * waits: it is hung, not slow, and the balancer need not wait out a timeout to tell. Called
   * when a replica that requests wait on has gone silent; it must answer quickly. False when it
   * cannot tell, by default: the balancer then judges by time alone.
   */
  default boolean stopped(Replica replica) {
    return false;
  }

  /**
   * The replicas this launcher's balancer started and that still exist, so a restarted
   * balancer adopts them instead of starting duplicates. A {@link #shared} launcher lists every
   * replica of the fleet, whichever balancer added it, each at the address it last had; one
   * being {@linkplain #retire retired} is no longer listed.
   */
  List<Replica> list();

  /**
   * Whether the replicas belong to an orchestrator that every balancer listing them shares, as
   * Swarm services do, rather than to this balancer. The orchestrator restarts a replica that
   * dies, and {@link #list} is the fleet: the balancer lists at least twice each heartbeat
   * interval, adopts what another balancer added and forgets what another removed. It never
   * replaces a replica itself, so balancers never race to, and it leaves the replicas running
   * when it stops. False by default: the balancer owns its replicas.
   */
  default boolean shared() {
    return false;
  }

  /**
   * The balancer has taken {@code replica} out of its ring to remove it, and will {@link #stop}
   * it once its requests have ended. A {@link #shared} launcher stops listing it from now on, so
   * every other balancer takes it out of its ring too before it stops. Nothing by default.
   */
  default void retire(Replica replica) {}

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
