package io.ringlb.core.fleet;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.ringlb.api.Replica;
import io.ringlb.core.health.Outcome;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.tls.ReplicaTls;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * A heartbeat by gRPC's health protocol, for replicas that speak only gRPC: grpc-java's client
 * asks {@code grpc.health.v1.Health/Check} for the service, over TLS when replicas are behind it.
 * {@code SERVING} passes; {@code NOT_SERVING} is a replica saying it is not ready, as an HTTP 503
 * is; no answer within the timeout has timed out; anything else has failed.
 *
 * <p>Each heartbeat makes its own connection and closes it, as HAProxy's checks do: no channel
 * outlives a replica that has gone. The timeout is the engine clock's ({@link HeartbeatDeadline}),
 * not a gRPC deadline: when it passes, the channel is shut down, which cancels the call.
 */
public final class GrpcHeartbeat implements HealthProbe {

  private final HeartbeatDeadline deadline;
  private final String service;
  /** grpc-java's TLS, made once: trusting what the data plane trusts; empty for cleartext. */
  private final Optional<SslContext> tls;
  private final Executor virtualThreads;

  /**
   * @param timeout how long a heartbeat may take, timed on {@code clock}
   * @param service the service whose health is asked, {@code ""} for the whole server
   * @param tls the TLS replicas are reached through; empty for cleartext (h2c)
   * @param virtualThreads an executor that runs each task on a virtual thread of its own: channels are made there
   */
  public GrpcHeartbeat(Duration timeout, EngineClock clock, String service, Optional<ReplicaTls> tls, Executor virtualThreads) {
    this.deadline = new HeartbeatDeadline(clock, timeout);
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
    CompletableFuture<Heartbeat> beat = new CompletableFuture<>();
    return deadline.start(beat, tried, () -> "no answer", virtualThreads, () -> ask(replica, tried, beat));
  }

  private void ask(Replica replica, String tried, CompletableFuture<Heartbeat> beat) {
    ManagedChannel channel;
    try {
      channel = channel(replica);
    } catch (RuntimeException e) {
      beat.complete(new Heartbeat(Outcome.FAILED, tried + e.getMessage())); // an address grpc-java will not take: a heartbeat never fails exceptionally
      return;
    }
    beat.whenComplete((settled, never) -> channel.shutdownNow()); // answered, or timed out: the call, if still under way, is cancelled
    HealthGrpc.newStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build(), new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse answer) {
        beat.complete(switch (answer.getStatus()) {
          case SERVING -> new Heartbeat(Outcome.PASSED, tried + "SERVING");
          case NOT_SERVING -> new Heartbeat(Outcome.UNREADY, tried + "NOT_SERVING, not ready");
          default -> new Heartbeat(Outcome.FAILED, tried + answer.getStatus());
        });
      }

      @Override
      public void onError(Throwable failure) {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + described(Status.fromThrowable(failure))));
      }

      @Override
      public void onCompleted() {
        beat.complete(new Heartbeat(Outcome.FAILED, tried + "no answer in the call")); // a unary call that ended without its one message
      }
    });
  }

  /**
   * A failed call's status as a readiness problem: its code, the first line of its description
   * (grpc-java adds the channel's pipeline below it) and the cause that grpc-java's description
   * leaves out, which is what tells a certificate not trusted from one for another name.
   */
  static String described(Status status) {
    StringBuilder described = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      described.append(' ').append(status.getDescription().lines().findFirst().orElse(""));
    }
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != null) {
      described.append(": ").append(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }
    return described.toString();
  }

  /** Gives up the heartbeats under way: each has failed, its channel shut down, which cancels its call. */
  @Override
  public void close() {
    deadline.stop();
  }

  private ManagedChannel channel(Replica replica) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(replica.host(), replica.port())
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // the heartbeat's deadline shuts the channel down, which gives up the connect
        .directExecutor(); // the answer is handled on the channel's event loop, and only settles the heartbeat
    if (tls.isPresent()) {
      builder.sslContext(tls.get());
    } else {
      builder.usePlaintext();
    }
    return builder.build();
  }
}
