package io.ringlb.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringlb.core.time.EngineClock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * What an embedding program hands a balancer beyond its configuration: the threads its data
 * plane runs on, where its meters go, and its clock.
 *
 * @param threads makes the data plane's event loop threads (on Liberty, a {@code ManagedThreadFactory})
 * @param registry where the balancer's meters go: a Prometheus registry to scrape, or any other
 * @param clock the engine's one clock, which stays the caller's to close (a test hands in one it
 *     moves by hand); when empty, the balancer reads real time with a clock of its own, closed
 *     with it
 */
public record BalancerOptions(ThreadFactory threads, MeterRegistry registry, Optional<EngineClock> clock) {

  public BalancerOptions {
    Objects.requireNonNull(threads, "threads");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(clock, "clock");
  }

  /** Event loop threads of its own, meters kept nowhere, real time. */
  public static BalancerOptions defaults() {
    return new BalancerOptions(new DefaultThreadFactory("ringlb-data-plane", true), new CompositeMeterRegistry(), Optional.empty());
  }

  public BalancerOptions withThreads(ThreadFactory other) {
    return new BalancerOptions(other, registry, clock);
  }

  public BalancerOptions withRegistry(MeterRegistry other) {
    return new BalancerOptions(threads, other, clock);
  }

  public BalancerOptions withClock(EngineClock other) {
    return new BalancerOptions(threads, registry, Optional.of(other));
  }
}
