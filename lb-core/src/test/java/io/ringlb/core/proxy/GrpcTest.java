package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.ringlb.core.ExerciseRules;
import io.ringlb.core.time.EngineClock;
import io.ringlb.core.time.FakeClock;
import io.ringlb.core.tls.ServerTls;
import io.ringlb.core.tls.TestCertificates;
import io.ringlb.core.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC end to end: grpc-java's client, through the data plane over h2c and over TLS, to
 * grpc-java's servers as replicas ({@code lb.forward.protocol=h2c}), each call routed on its own
 * key (metadata {@code x-key}), streams delivered as written, statuses and trailers as the
 * replica sent them, and a gRPC error when no replica can answer.
 */
class GrpcTest {

  private static final Duration RESPONSE_TIMEOUT = ProxySettings.defaults(0).responseTimeout();
  private static final Duration IDLE_TIMEOUT = ProxySettings.defaults(0).idleTimeout();

  @TempDir
  Path dir;

  private final List<Server> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private ProxyFixture proxy;

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    if (proxy != null) {
      proxy.close();
    }
    for (Server replica : replicas) {
      replica.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private List<InetSocketAddress> replicas(int count) throws Exception {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Server replica = GrpcEcho.start("R" + i);
      replicas.add(replica);
      addresses.add(new InetSocketAddress("127.0.0.1", replica.getPort()));
    }
    return addresses;
  }

  private void proxyTo(List<InetSocketAddress> addresses, Optional<ServerTls> tls) {
    proxy = new ProxyFixture(addresses, s -> s.withReplicaLink(new ReplicaLink(ReplicaProtocol.H2C, Optional.empty())), 0, AccessLog.NONE,
        EngineClock.system(), ExerciseRules.rules(), tls);
  }

  /** A channel to the data plane's cleartext port, speaking h2c as grpc-java does with {@code usePlaintext}. */
  private ManagedChannel cleartext() {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  /** {@code channel} with every call carrying the routing key {@code key} in its metadata. */
  private static Channel keyed(Channel channel, long key) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("x-key", Metadata.ASCII_STRING_MARSHALLER), Long.toString(key));
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /**
   * A replica's connection reset under a call (its process killed, say) ends the call with a
   * gRPC error, as a broken answer does, and is no failure of the balancer's own to log with a
   * stack trace: its streams learn of it as the connection's end.
   */
  @Test
  void aReplicaConnectionResetUnderACallEndsItWithAnErrorAndNoWarning() throws Exception {
    CountDownLatch goOn = new CountDownLatch(1);
    Server replica = GrpcEcho.start("R0", goOn);
    replicas.add(replica);
    try (LoggedWarnings logged = LoggedWarnings.collect(); ServerSocket relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> toBalancer = new CopyOnWriteArrayList<>();
      Thread.ofVirtual().start(() -> { // the replica behind a relay whose connections can be reset
        try {
          while (true) {
            Socket balancer = relay.accept();
            toBalancer.add(balancer);
            Socket server = new Socket(InetAddress.getLoopbackAddress(), replica.getPort());
            Thread.ofVirtual().start(() -> pump(balancer, server));
            Thread.ofVirtual().start(() -> pump(server, balancer));
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      proxyTo(List.of(new InetSocketAddress("127.0.0.1", relay.getLocalPort())), Optional.empty());
      Iterator<String> answers = ClientCalls.blockingServerStreamingCall(cleartext(), GrpcEcho.PAUSE, deadline(), "hi");
      assertThat(answers.next()).isEqualTo("R0: hi");

      for (Socket balancer : toBalancer) {
        balancer.setSoLinger(true, 0); // closed so, the connection is reset
        balancer.close();
      }

      StatusRuntimeException ended = catchThrowableOfType(StatusRuntimeException.class, answers::next);
      assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(logged.warnings()).as("told before the connection closed, which ended the call").isEmpty();
    } finally {
      goOn.countDown();
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException ended) {
      // one side closed, or was reset
    }
  }

  @Test
  void unaryCallsOfOneConnectionGoWhereEachCallsKeyHashes() throws Exception {
    proxyTo(replicas(3), Optional.empty());
    ManagedChannel channel = cleartext();

    for (long key = 0; key < 9; key++) {
      assertThat(ClientCalls.blockingUnaryCall(keyed(channel, key), GrpcEcho.SAY, deadline(), "hello")).isEqualTo("R" + key % 3 + ": hello");
    }
  }

  @Test
  void aServerStreamComesWholeAndInOrder() throws Exception {
    proxyTo(replicas(2), Optional.empty());

    List<String> counted = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(keyed(cleartext(), 1), GrpcEcho.COUNT, deadline(), "100").forEachRemaining(counted::add);

    assertThat(counted).hasSize(100).startsWith("R1 1", "R1 2").endsWith("R1 100");
  }

  /** Puts each answer in {@code answers}, then "completed", or "error " and the call's status. */
  private static StreamObserver<String> collecting(BlockingQueue<String> answers) {
    return new StreamObserver<>() {
      @Override
      public void onNext(String answer) {
        answers.add(answer);
      }

      @Override
      public void onError(Throwable cause) {
        answers.add("error " + Status.fromThrowable(cause));
      }

      @Override
      public void onCompleted() {
        answers.add("completed");
      }
    };
  }

  @Test
  void streamedMessagesAreDeliveredAsWrittenBothWays() throws Exception {
    proxyTo(replicas(1), Optional.empty());
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    StreamObserver<String> chat = ClientCalls.asyncBidiStreamingCall(cleartext().newCall(GrpcEcho.CHAT, deadline()), collecting(answers));

    // each message is answered before the next is sent: neither way holds a message back for more
    for (String said : List.of("one", "two", "three")) {
      chat.onNext(said);
      assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("R0: " + said);
    }
    chat.onCompleted();
    assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
  }

  /** A replica whose {@code Pause} calls answer once, then stay silent until {@code goOn}, behind a plane on {@code clock}. */
  private void replicaBehind(FakeClock clock, CountDownLatch goOn) throws Exception {
    Server replica = GrpcEcho.start("R0", goOn);
    replicas.add(replica);
    proxy = new ProxyFixture(List.of(new InetSocketAddress("127.0.0.1", replica.getPort())),
        s -> s.withReplicaLink(new ReplicaLink(ReplicaProtocol.H2C, Optional.empty())), 0, AccessLog.NONE, clock, ExerciseRules.rules(),
        Optional.empty());
  }

  /** A {@code Pause} call through a plane on {@code clock}, its first answer come: the replica is silent from now until {@code goOn}. */
  private Iterator<String> watchAnsweredOnce(FakeClock clock, CountDownLatch goOn, CallOptions options) throws Exception {
    replicaBehind(clock, goOn);
    Iterator<String> answers = ClientCalls.blockingServerStreamingCall(cleartext(), GrpcEcho.PAUSE, options, "watch");
    assertThat(answers.next()).isEqualTo("R0: watch");
    return answers;
  }

  /** A chat through a plane on {@code clock}, its first message answered into {@code answers}: both sides are silent from now. */
  private StreamObserver<String> chatAnsweredOnce(FakeClock clock, CallOptions options, BlockingQueue<String> answers) throws Exception {
    replicaBehind(clock, new CountDownLatch(0));
    StreamObserver<String> chat = ClientCalls.asyncBidiStreamingCall(cleartext().newCall(GrpcEcho.CHAT, options), collecting(answers));
    chat.onNext("one");
    assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("R0: one");
    return chat;
  }

  @Test
  void aSilentStreamLivesPastTheResponseTimeoutUpToTheDeadlineItsCallNames() throws Exception {
    FakeClock clock = new FakeClock();
    CountDownLatch goOn = new CountDownLatch(1);
    // grpc-timeout: what is left of the 60 s
    Iterator<String> answers = watchAnsweredOnce(clock, goOn, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));

    proxy.forwardOnceDone(clock, () -> true, RESPONSE_TIMEOUT.multipliedBy(4)); // 40 s of silence, by the plane's clock
    goOn.countDown();

    assertThat(answers.next()).isEqualTo("R0: again watch");
    assertThat(answers.hasNext()).as("the call ends as the replica ended it").isFalse();
  }

  @Test
  void aSilentStreamIsGivenUpPastItsCallsDeadline() throws Exception {
    FakeClock clock = new FakeClock();
    CountDownLatch goOn = new CountDownLatch(1);
    Iterator<String> answers = watchAnsweredOnce(clock, goOn, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));

    proxy.forwardOnceDone(clock, () -> true, RESPONSE_TIMEOUT.multipliedBy(4));
    proxy.forwardOnceDone(clock, () -> true, RESPONSE_TIMEOUT.multipliedBy(2)); // 60 s of silence: the deadline passed at the plane
    StatusRuntimeException cut = catchThrowableOfType(StatusRuntimeException.class, answers::next);
    goOn.countDown();

    assertThat(cut).as("the call, cut by the plane before the client's own 60 s").isNotNull();
    assertThat(cut.getStatus().getCode()).as("a failure of the server's side, not the client's cancel").isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(cut.getStatus().getDescription()).isEqualTo("R0 was silent midway through its answer for longer than it may be");
  }

  @Test
  void aSilentStreamWhoseCallNamesNoDeadlineIsGivenUpAtTheResponseTimeout() throws Exception {
    FakeClock clock = new FakeClock();
    CountDownLatch goOn = new CountDownLatch(1);
    Iterator<String> answers = watchAnsweredOnce(clock, goOn, CallOptions.DEFAULT);

    proxy.forwardOnceDone(clock, () -> true, RESPONSE_TIMEOUT.plusSeconds(1));
    StatusRuntimeException cut = catchThrowableOfType(StatusRuntimeException.class, answers::next);
    goOn.countDown();

    assertThat(cut).as("the call, cut by the plane").isNotNull();
    assertThat(cut.getStatus().getCode()).as("a failure of the server's side, not the client's cancel").isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aChatWhoseClientIsSilentPastTheIdleTimeoutGoesOnUpToItsCallsDeadline() throws Exception {
    FakeClock clock = new FakeClock();
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    StreamObserver<String> chat = chatAnsweredOnce(clock, CallOptions.DEFAULT.withDeadlineAfter(180, TimeUnit.SECONDS), answers);

    proxy.forwardOnceDone(clock, () -> true, IDLE_TIMEOUT.multipliedBy(2)); // both sides silent for twice the client's idle timeout
    chat.onNext("two");

    assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("R0: two");
    chat.onCompleted();
    assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
  }

  @Test
  void aChatWhoseClientIsSilentPastItsCallsDeadlineIsEnded() throws Exception {
    FakeClock clock = new FakeClock();
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    chatAnsweredOnce(clock, CallOptions.DEFAULT.withDeadlineAfter(180, TimeUnit.SECONDS), answers);

    proxy.forwardOnceDone(clock, () -> true, Duration.ofSeconds(200)); // by the plane's clock: the client's own is far from 180 s

    assertThat(answers.poll(10, TimeUnit.SECONDS)).as("the call, ended by the plane").startsWith("error Status{code=")
        .doesNotContain("DEADLINE_EXCEEDED");
  }

  @Test
  void aChatWhoseCallNamesNoDeadlineIsEndedAtTheIdleTimeout() throws Exception {
    FakeClock clock = new FakeClock();
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    chatAnsweredOnce(clock, CallOptions.DEFAULT, answers);

    proxy.forwardOnceDone(clock, () -> true, IDLE_TIMEOUT.multipliedBy(2));

    assertThat(answers.poll(10, TimeUnit.SECONDS)).as("the call, ended by the plane").startsWith("error Status{code=");
  }

  @Test
  void aDeadlineOfEightDigitsOfHoursIsTakenAsTheLongestWait() throws Exception {
    proxyTo(replicas(1), Optional.empty());
    // a Say call by hand, with the longest deadline the protocol can write (grpc-java's clients send no more than 2562047H)
    byte[] message = {0, 0, 0, 0, 2, 'h', 'i'};
    FullHttpRequest call = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/ringlb.test.Echo/Say", Unpooled.wrappedBuffer(message));
    call.headers().set("host", "localhost").set("content-type", "application/grpc").set("te", "trailers").set("grpc-timeout", "99999999H")
        .setInt("content-length", message.length);

    try (H2cClient client = new H2cClient(proxy.port())) {
      H2cClient.Answer answer = client.send(call).get(10, TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.trailers().get("grpc-status")).as("the call as the replica answered it").isEqualTo("0");
      assertThat(answer.body()).endsWith("R0: hi");
    }
  }

  @Test
  void aFailedCallsStatusDescriptionAndTrailersPassUnchanged() throws Exception {
    proxyTo(replicas(1), Optional.empty());

    StatusRuntimeException failed = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(cleartext(), GrpcEcho.SAY, deadline(), "fail"));

    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failed.getStatus().getDescription()).isEqualTo("no such thing");
    assertThat(failed.getTrailers().get(GrpcEcho.REASON)).isEqualTo("asked to");
  }

  @Test
  void aCallNoReplicaCanTakeFailsUnavailableAsGrpcSaysNotWithTheApisJson() throws Exception {
    proxyTo(List.of(), Optional.empty());

    StatusRuntimeException failed = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(cleartext(), GrpcEcho.SAY, deadline(), "hello"));

    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failed.getStatus().getDescription()).isEqualTo("No replica is in the ring");
    assertThat(failed.getTrailers().keys()).as("trailers-only: no field of HTTP/1.1's framing shows as trailing metadata")
        .doesNotContain("content-length");
  }

  @Test
  void callsOverTlsReachTheReplicasToo() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir, "lb");
    ServerTls tls = ServerTls.load(new TlsSettings(0, Optional.of(certificates.certificate()), Optional.of(certificates.key()), Optional.empty(), "",
        Duration.ofSeconds(10)), Instant::now);
    proxyTo(replicas(2), Optional.of(tls));
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", proxy.tlsPort(),
        TlsChannelCredentials.newBuilder().trustManager(certificates.certificate().toFile()).build()).build();
    channels.add(channel);

    assertThat(ClientCalls.blockingUnaryCall(keyed(channel, 1), GrpcEcho.SAY, deadline(), "over tls")).isEqualTo("R1: over tls");
  }
}
