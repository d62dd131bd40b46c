package io.ringlb.lb;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLauncher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The provider's launcher behind MicroProfile Fault Tolerance, which bounds every call: a
 * Docker engine or a process table that hangs must not hold a replica's start, a removal or a
 * shutdown for longer than its budget.
 *
 * <p>One retry budget: the fleet's. A failed start is tried again by the fleet's control loop,
 * after its backoff, and counts towards what readiness reports; retrying here as well would
 * multiply the wait and hide the failures. Only {@code list()}, a read, is retried here, since
 * a sweep or an adoption that fails outright skips a round. A start's timeout is {@code
 * lb.start-timeout-ms} (META-INF/microprofile-config.properties), the same budget the fleet
 * gives a replica to pass its first heartbeat. Each policy can still be retuned through MP
 * Config, e.g. {@code io.ringlb.lb.FaultTolerantLauncher/stop/Timeout/value=30000}.
 */
@ApplicationScoped
public class FaultTolerantLauncher implements ReplicaLauncher {

  private volatile ReplicaLauncher delegate;

  void use(ReplicaLauncher launcher) {
    this.delegate = launcher;
  }

  @Override
  @Timeout(value = 90_000, unit = ChronoUnit.MILLIS)
  public Replica start(ReplicaSpec spec) {
    return delegate.start(spec);
  }

  /** Within the fleet's 30 s budget for stopping every replica at shutdown, stops running side by side. */
  @Override
  @Timeout(value = 20, unit = ChronoUnit.SECONDS)
  public void stop(Replica replica) {
    delegate.stop(replica);
  }

  /** A replica found dead or hung, ended at once: as bounded as a stop. */
  @Override
  @Timeout(value = 20, unit = ChronoUnit.SECONDS)
  public void kill(Replica replica) {
    delegate.kill(replica);
  }

  /** Asked while clients wait on a silent replica: an engine slower than this is no help, and the fleet judges by time instead. */
  @Override
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  public boolean stopped(Replica replica) {
    return delegate.stopped(replica);
  }

  @Override
  @Retry(maxRetries = 2, delay = 200, jitter = 100, maxDuration = 10_000)
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  public List<Replica> list() {
    return delegate.list();
  }

  /** A label on a service, for a shared launcher: as quick as a list. */
  @Override
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  public void retire(Replica replica) {
    delegate.retire(replica);
  }

  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public String reachability() {
    return delegate.reachability();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
