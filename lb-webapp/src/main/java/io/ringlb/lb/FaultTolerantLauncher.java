package io.ringlb.lb;

import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.spi.ReplicaLaunchException;
import io.ringlb.spi.ReplicaLauncher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The provider's launcher behind MicroProfile Fault Tolerance: a Docker engine or a process
 * table can fail a call now and answer the next, and must not hang the fleet's launcher thread
 * forever. Each policy can be retuned without a rebuild through MP Config, e.g. {@code
 * io.ringlb.lb.FaultTolerantLauncher/start/Timeout/value=300}.
 */
@ApplicationScoped
public class FaultTolerantLauncher implements ReplicaLauncher {

  private volatile ReplicaLauncher delegate;

  void use(ReplicaLauncher launcher) {
    this.delegate = launcher;
  }

  @Override
  @Retry(maxRetries = 2, delay = 1_000, retryOn = ReplicaLaunchException.class)
  @Timeout(value = 120, unit = ChronoUnit.SECONDS)
  public Replica start(ReplicaSpec spec) {
    return delegate.start(spec);
  }

  @Override
  @Retry(maxRetries = 2, delay = 500)
  @Timeout(value = 60, unit = ChronoUnit.SECONDS)
  public void stop(Replica replica) {
    delegate.stop(replica);
  }

  @Override
  @Retry(maxRetries = 2, delay = 500)
  @Timeout(value = 15, unit = ChronoUnit.SECONDS)
  public List<Replica> list() {
    return delegate.list();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
