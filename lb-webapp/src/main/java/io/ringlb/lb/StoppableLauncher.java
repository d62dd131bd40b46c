package io.ringlb.lb;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLauncher;
import java.util.List;

/**
 * The launcher the engine is given: every call goes through {@link FaultTolerantLauncher} while
 * the application runs, and straight to the provider once it is stopping. By then Liberty may
 * have let go of the application's configuration, which Fault Tolerance reads on a method's
 * first call: removing the WAR from {@code dropins} stops the application with its file gone, and
 * a first {@code stop} through Fault Tolerance then fails, leaving every replica running. The
 * fleet's own 30 s budget bounds the stops of a shutdown.
 */
final class StoppableLauncher implements ReplicaLauncher {

  private final ReplicaLauncher bounded;
  private final ReplicaLauncher provided;
  private volatile boolean stopping;

  /**
   * @param bounded the provider's launcher behind Fault Tolerance
   * @param provided the same launcher, called directly
   */
  StoppableLauncher(ReplicaLauncher bounded, ReplicaLauncher provided) {
    this.bounded = bounded;
    this.provided = provided;
  }

  /** The application is stopping: from now on, calls go straight to the provider. */
  void stopping() {
    stopping = true;
  }

  private ReplicaLauncher current() {
    return stopping ? provided : bounded;
  }

  @Override
  public Replica start(ReplicaSpec spec) {
    return current().start(spec);
  }

  @Override
  public void stop(Replica replica) {
    current().stop(replica);
  }

  @Override
  public void kill(Replica replica) {
    current().kill(replica);
  }

  @Override
  public boolean stopped(Replica replica) {
    return current().stopped(replica);
  }

  @Override
  public List<Replica> list() {
    return current().list();
  }

  @Override
  public void retire(Replica replica) {
    current().retire(replica);
  }

  @Override
  public boolean shared() {
    return provided.shared();
  }

  @Override
  public String reachability() {
    return provided.reachability();
  }

  @Override
  public void close() {
    provided.close();
  }
}
