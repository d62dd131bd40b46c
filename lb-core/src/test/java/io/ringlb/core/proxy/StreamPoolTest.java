package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.ringlb.core.time.EngineClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's HTTP/2 connection gives out as many streams as a client's stream identifiers allow
 * (2^30; two here), then the next request makes a new connection, and the one replaced is closed
 * once its last stream has ended: a connection that has run out is never asked for one more.
 */
class StreamPoolTest {

  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  /** Every connection the pool made, in order. */
  private final List<Channel> connections = new CopyOnWriteArrayList<>();
  private H2Backend replica;
  private StreamPool pool;

  @AfterEach
  void stop() {
    if (pool != null) {
      loop.submit(pool::close).syncUninterruptibly();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    replica.close();
  }

  private StreamPool pool(int streamsPerConnection) {
    ProxySettings settings = ProxySettings.defaults(0);
    Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class).remoteAddress(replica.address())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            ReplicaHttp2Pipeline.install(channel.pipeline(), settings, EngineClock.system());
          }
        });
    return new StreamPool(() -> {
      ChannelFuture connecting = bootstrap.connect();
      connections.add(connecting.channel());
      return connecting;
    }, new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(1 << 20));
      }
    }, streamsPerConnection);
  }

  /** Asks {@code path} on a stream the pool gives: the answer's status and body, the stream closed after it. */
  private CompletableFuture<String> get(String path) {
    CompletableFuture<String> answer = new CompletableFuture<>();
    loop.execute(() -> pool.acquire(stream -> {
      stream.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
          answer.complete(response.status().code() + " " + response.content().toString(StandardCharsets.UTF_8));
          ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          answer.completeExceptionally(new IOException("the stream closed without an answer"));
        }
      });
      stream.writeAndFlush(request(path));
    }, answer::completeExceptionally));
    return answer;
  }

  private static FullHttpRequest request(String path) {
    FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    get.headers().set(HttpHeaderNames.HOST, "replica.example");
    return get;
  }

  /** Sends {@code path} on a stream the pool gives, and hands the stream back as it was sent, unanswered. */
  private Http2StreamChannel send(String path) throws Exception {
    CompletableFuture<Http2StreamChannel> sent = new CompletableFuture<>();
    loop.execute(() -> pool.acquire(stream -> {
      stream.writeAndFlush(request(path));
      sent.complete((Http2StreamChannel) stream);
    }, sent::completeExceptionally));
    return sent.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionThatHasGivenItsStreamsIsReplacedAndClosed() throws Exception {
    replica = new H2Backend(Optional.empty());
    pool = pool(2);

    for (int i = 0; i < 5; i++) {
      assertThat(get("/n" + i).get(5, TimeUnit.SECONDS)).startsWith("200 GET /n" + i + "\n");
    }

    assertThat(replica.connections.get()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> !connections.get(0).isOpen() && !connections.get(1).isOpen());
    assertThat(connections.get(2).isOpen()).isTrue();
  }

  @Test
  void streamsStillRunningOnAReplacedConnectionEndAsTheyWouldAndThenItCloses() throws Exception {
    replica = new H2Backend(Optional.empty());
    pool = pool(2);
    List<CompletableFuture<String>> answers = new ArrayList<>();

    for (int i = 0; i < 5; i++) {
      answers.add(get("/stream")); // three parts over 300 ms: all five are under way at once, on three connections
    }

    for (CompletableFuture<String> answer : answers) {
      assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("200 part 1\npart 2\npart 3\n");
    }
    assertThat(replica.connections.get()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> !connections.get(0).isOpen() && !connections.get(1).isOpen());
    assertThat(connections.get(2).isOpen()).isTrue();
  }

  /**
   * Netty's codec keeps each stream cancelled while it waited behind the replica's stream limit
   * until the connection closes: a connection that has had {@link
   * StreamPool#CANCELLED_WAITING_PER_CONNECTION} of them is replaced, so that memory stays bounded
   * however many waiting requests their clients give up.
   */
  @Test
  void aConnectionWithAThousandStreamsCancelledWhileTheyWaitedIsReplaced() throws Exception {
    replica = new H2Backend(Optional.empty(), 1);
    pool = pool(StreamPool.STREAM_IDS);
    CompletableFuture<String> held = get("/hold");
    await().atMost(Duration.ofSeconds(5)).until(() -> replica.held() == 1);

    for (int i = 0; i < StreamPool.CANCELLED_WAITING_PER_CONNECTION; i++) {
      Http2StreamChannel waiting = send("/given-up"); // behind /hold, past the replica's limit of one
      loop.submit(() -> pool.release(waiting, false)).sync();
    }
    replica.answerHeld();
    assertThat(held.get(5, TimeUnit.SECONDS)).startsWith("200 GET /hold");

    assertThat(get("/after").get(5, TimeUnit.SECONDS)).startsWith("200 GET /after");
    assertThat(replica.connections.get()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> !connections.get(0).isOpen());
    assertThat(replica.received).as("no stream given up was sent").containsExactly("/hold", "/after");
  }
}
