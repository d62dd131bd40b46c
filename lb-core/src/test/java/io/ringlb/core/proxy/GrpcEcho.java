package io.ringlb.core.proxy;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A gRPC service served by grpc-java's own server, its messages UTF-8 text so no generated code
 * is needed: {@code Say} answers once ({@code "fail"} fails with {@code NOT_FOUND} and a trailer),
 * {@code Count} streams {@code n} answers, {@code Chat} answers each message as it comes,
 * {@code Pause} answers once, then again when the test lets it go on. Every answer starts with the
 * name of the replica that gave it. Its health service says it serves.
 */
public final class GrpcEcho {

  public static final Metadata.Key<String> REASON = Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);

  private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  public static final MethodDescriptor<String, String> SAY = method(MethodDescriptor.MethodType.UNARY, "Say");
  public static final MethodDescriptor<String, String> COUNT = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Count");
  public static final MethodDescriptor<String, String> CHAT = method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
  public static final MethodDescriptor<String, String> PAUSE = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Pause");

  private GrpcEcho() {}

  private static MethodDescriptor<String, String> method(MethodDescriptor.MethodType type, String name) {
    return MethodDescriptor.<String, String>newBuilder().setType(type).setFullMethodName("ringlb.test.Echo/" + name)
        .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
  }

  /** A gRPC server on a loopback port, answering as {@code name}, with gRPC's health service saying it serves. */
  public static Server start(String name) throws IOException {
    return start(name, new CountDownLatch(0));
  }

  /** As {@link #start(String)}, its {@code Pause} calls silent between their two answers until {@code goOn} is counted down. */
  public static Server start(String name, CountDownLatch goOn) throws IOException {
    ServerServiceDefinition echo = ServerServiceDefinition.builder("ringlb.test.Echo")
        .addMethod(SAY, ServerCalls.asyncUnaryCall((String said, StreamObserver<String> answers) -> {
          if (said.equals("fail")) {
            Metadata trailers = new Metadata();
            trailers.put(REASON, "asked to");
            answers.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException(trailers));
          } else {
            answers.onNext(name + ": " + said);
            answers.onCompleted();
          }
        }))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((String count, StreamObserver<String> answers) -> {
          for (int i = 1; i <= Integer.parseInt(count); i++) {
            answers.onNext(name + " " + i);
          }
          answers.onCompleted();
        }))
        .addMethod(PAUSE, ServerCalls.asyncServerStreamingCall((String said, StreamObserver<String> answers) -> {
          answers.onNext(name + ": " + said);
          try {
            goOn.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping
            return;
          }
          answers.onNext(name + ": again " + said);
          answers.onCompleted();
        }))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall((StreamObserver<String> answers) -> new StreamObserver<String>() {
          @Override
          public void onNext(String said) {
            answers.onNext(name + ": " + said);
          }

          @Override
          public void onError(Throwable cause) {
            // the client gave up: nothing to answer
          }

          @Override
          public void onCompleted() {
            answers.onCompleted();
          }
        }))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(echo).addService(new HealthStatusManager().getHealthService())
        .build().start();
  }
}
