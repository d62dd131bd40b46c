package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ringlb.api.ReplicaSet;
import io.ringlb.core.ModuloRing;
import io.ringlb.core.routing.Loads;
import io.ringlb.core.routing.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lb.client.header-timeout-ms} on a client connection's real pipeline, in an embedded
 * channel whose time stands still until the test moves it: the timeout is asserted to the
 * millisecond, without a sleep. No replica is in the ring, so a complete request is answered 503
 * at once.
 */
class HeaderTimeoutTest {

  private static final Duration HEADERS = Duration.ofSeconds(2);

  private EmbeddedChannel client;

  @BeforeEach
  void connect() throws Exception {
    ProxySettings defaults = ProxySettings.defaults(0);
    ProxySettings settings = ProxyFixture.with(defaults, defaults.maxHeaderBytes(), defaults.maxBodyBytes(), HEADERS, Duration.ofMinutes(5),
        defaults.connectionsPerReplica(), defaults.responseTimeout());
    Router router = new Router(new ModuloRing(ReplicaSet.empty()), 3, new Loads());
    Plane plane = new Plane(settings, router, request -> 0L, (replica, outcome) -> {}, RequestEvents.NONE, AccessLog.NONE, System::nanoTime,
        HostRules.NONE);
    client = new EmbeddedChannel(false, false);
    client.freezeTime(); // before the connection starts, which starts the first request's timeout
    client.pipeline().addLast(new ClientPipeline(plane, loop -> new ReplicaPools(loop, Transport.best(), settings, router), Optional.empty(),
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
    client.register();
  }

  @AfterEach
  void close() {
    client.finishAndReleaseAll();
  }

  private void advance(Duration by) {
    client.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
    client.runScheduledPendingTasks();
  }

  private void send(String text) {
    client.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  /** What the client was sent so far, as text. */
  private String answered() {
    StringBuilder text = new StringBuilder();
    for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
      text.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }
    return text.toString();
  }

  @Test
  void aConnectionThatSendsNothingIsAnswered408AtTheTimeout() {
    advance(HEADERS.minusMillis(1));
    assertThat(answered()).isEmpty();
    assertThat(client.isOpen()).isTrue();

    advance(Duration.ofMillis(1));

    assertThat(answered()).startsWith("HTTP/1.1 408 ").contains("The request headers took longer than 2000 ms (lb.client.header-timeout-ms)");
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void theFirstRequestsHeadersAreTimedFromTheConnectionsStart() {
    advance(Duration.ofMillis(1_500));
    send("GET /home HTTP/1.1\r\nHost: x\r\n"); // the headers not ended yet

    advance(Duration.ofMillis(500));

    assertThat(answered()).startsWith("HTTP/1.1 408 ");
  }

  @Test
  void completeHeadersStopTheTimeoutAndTheNextRequestsRunsFromItsFirstByte() {
    send("GET /home HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answered()).startsWith("HTTP/1.1 503 ").contains("No replica is in the ring");

    advance(Duration.ofSeconds(60));
    assertThat(answered()).as("an idle kept-alive connection is the idle timeout's, not the header timeout's").isEmpty();
    assertThat(client.isOpen()).isTrue();

    send("G");
    advance(HEADERS.minusMillis(1));
    assertThat(answered()).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(answered()).startsWith("HTTP/1.1 408 ");
  }

  @Test
  void headersSentSlowlyButWithinTheTimeoutAreServed() {
    for (String part : new String[] {"GET /home HTTP/1.1\r\n", "Host: x\r\n", "X-Key: 1\r\n", "\r\n"}) {
      advance(HEADERS.dividedBy(5));
      send(part);
    }
    assertThat(answered()).startsWith("HTTP/1.1 503 ");
    advance(HEADERS);
    assertThat(client.isOpen()).isTrue();
  }
}
