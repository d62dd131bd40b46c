package io.ringlb.core.fleet;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.tls.ReplicaTls;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A heartbeat by gRPC's health protocol, for replicas that speak only gRPC: grpc-java's client
 * asks {@code grpc.health.v1.Health/Check} for the service, over TLS when replicas are behind it.
 * {@code SERVING} passes; {@code NOT_SERVING} is a replica saying it is not ready, as an HTTP 503
 * is; no answer within the timeout has timed out; anything else has failed.
 *
 * <p>Each heartbeat makes its own connection and closes it, as HAProxy's checks do: no channel
 * outlives a replica that has gone. It blocks on a virtual thread, as {@link HttpHeartbeat}'s do.
 */
public final class GrpcHeartbeat implements HealthProbe {

  private final Duration timeout;
  private final String service;
  /** grpc-java's TLS, made once: trusting what the data plane trusts; empty for cleartext. */
  private final Optional<SslContext> tls;
  private final Executor virtualThreads;

  /**
   * @param service the service whose health is asked, {@code ""} for the whole server
   * @param tls the TLS replicas are reached through; empty for cleartext (h2c)
   * @param virtualThreads an executor that runs each task on a virtual thread of its own
   */
  public GrpcHeartbeat(Duration timeout, String service, Optional<ReplicaTls> tls, Executor virtualThreads) {
    this.timeout = timeout;
    this.service = service;
    this.virtualThreads = virtualThreads;
    try {
      this.tls = tls.isEmpty() ? Optional.empty() : Optional.of(GrpcSslContexts.forClient().trustManager(tls.get().trust()).build());
    } catch (SSLException e) {
      throw new IllegalStateException("grpc-java cannot speak TLS here: " + e.getMessage(), e);
    }
  }

  @Override
  public CompletableFuture<Heartbeat> check(Replica replica) {
    String tried = "grpc.health.v1.Health/Check(\"" + service + "\") at " + replica.host() + ":" + replica.port() + ": ";
    return CompletableFuture.supplyAsync(() -> {
      ManagedChannel channel;
      try {
        channel = channel(replica);
      } catch (RuntimeException e) {
        return new Heartbeat(Outcome.FAILED, tried + e.getMessage()); // an address grpc-java will not take: a heartbeat never fails exceptionally
      }
      try {
        HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        return switch (status) {
          case SERVING -> new Heartbeat(Outcome.PASSED, tried + "SERVING");
          case NOT_SERVING -> new Heartbeat(Outcome.UNREADY, tried + "NOT_SERVING, not ready");
          default -> new Heartbeat(Outcome.FAILED, tried + status);
        };
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getCode() == Status.Code.DEADLINE_EXCEEDED ? new Heartbeat(Outcome.TIMED_OUT, tried + "no answer within " + timeout.toMillis() + " ms")
            : new Heartbeat(Outcome.FAILED, tried + status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription()));
      } finally {
        channel.shutdownNow();
      }
    }, virtualThreads);
  }

  private ManagedChannel channel(Replica replica) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(replica.host(), replica.port())
        .directExecutor() // the answer is handled on the channel's event loop, and only wakes the virtual thread waiting on it
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()));
    if (tls.isPresent()) {
      builder.sslContext(tls.get());
    } else {
      builder.usePlaintext();
    }
    return builder.build();
  }
}
