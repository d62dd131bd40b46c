package io.ringlb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.ringlb.api.Replica;
import io.ringlb.api.ReplicaSpec;
import io.ringlb.core.proxy.GrpcEcho;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A whole balancer in front of replicas that speak only gRPC: they join the ring by gRPC's health
 * check ({@code lb.heartbeat.protocol=grpc}), calls reach them over h2c
 * ({@code lb.forward.protocol=h2c}), each user's calls keyed by metadata to one replica.
 */
class GrpcBalancerTest {

  /** Replicas as grpc-java servers in the test's JVM. */
  private static final class GrpcReplicas implements ReplicaLauncher {

    private final Map<String, Server> running = new ConcurrentHashMap<>();

    @Override
    public Replica start(ReplicaSpec spec) {
      try {
        Server server = GrpcEcho.start(spec.name());
        running.put(spec.name(), server);
        return new Replica(spec.name(), spec.id(), "127.0.0.1", server.getPort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop(Replica replica) {
      Server server = running.remove(replica.name());
      if (server != null) {
        server.shutdownNow();
      }
    }

    @Override
    public List<Replica> list() {
      return List.of();
    }

    @Override
    public void close() {
      running.values().forEach(Server::shutdownNow);
    }
  }

  @Test
  void grpcOnlyReplicasJoinByTheHealthCheckAndEachUsersCallsGoToOneOfThem() throws Exception {
    BalancerConfig config = BalancerConfig.from(Map.of("lb.port", "0", "lb.admin.port", "-1", "lb.replicas", "3", "lb.strategy", "tiny", "lb.max-replicas", "4",
        "lb.key", "header:x-user-id", "lb.forward.protocol", "h2c", "lb.heartbeat.protocol", "grpc"),
        PluginRegistry.of(HashStrategyProvider.class, List.of(new BalancerConfigTest.Tiny())));
    try (GrpcReplicas replicas = new GrpcReplicas(); Balancer balancer = Balancer.start(config, replicas)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> balancer.router().ring().replicas().size() == 3);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", balancer.dataPlane().address().getPort()).usePlaintext().build();
      Set<String> answeredBy = new HashSet<>();
      try {
        for (int user = 0; user < 12; user++) {
          Metadata metadata = new Metadata();
          metadata.put(Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER), "user-" + user);
          io.grpc.Channel keyed = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));

          String first = ClientCalls.blockingUnaryCall(keyed, GrpcEcho.SAY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
          String again = ClientCalls.blockingUnaryCall(keyed, GrpcEcho.SAY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "again");

          assertThat(first).matches("S[123]: hi");
          assertThat(again).as("user-%d's calls go to one replica", user).isEqualTo(first.substring(0, 2) + ": again");
          answeredBy.add(first.substring(0, 2));
        }
        assertThat(answeredBy).as("the users spread over the replicas").hasSizeGreaterThan(1);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
