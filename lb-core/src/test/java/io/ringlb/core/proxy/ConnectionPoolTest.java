package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.ringlb.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One replica's pool on an embedded event loop, timed by a clock that stands still until the test moves it:
 * how long a request beyond the bound waits is asserted to the millisecond, without a sleep.
 * Each connection is an embedded channel, open until the test closes it.
 */
class ConnectionPoolTest {

  private static final Duration WAIT = Duration.ofMillis(500);

  /** The pool's loop, which is the test's thread. */
  private final EmbeddedChannel loop = new EmbeddedChannel();
  /** The pool's clock: its timers run when the test moves it. */
  private final FakeClock clock = new FakeClock();
  private final List<EmbeddedChannel> opened = new ArrayList<>();
  /** What the requests were handed, in order: "got N" for the Nth connection opened, or the failure's class. */
  private final List<String> handed = new ArrayList<>();
  private ConnectionPool pool;

  @BeforeEach
  void oneConnectionAtMost() {
    pool = pool(1);
  }

  /** A pool of at most {@code max} connections, each an embedded channel added to {@link #opened}. */
  private ConnectionPool pool(int max) {
    return new ConnectionPool(() -> {
      EmbeddedChannel connection = new EmbeddedChannel();
      opened.add(connection);
      return connection.newSucceededFuture();
    }, loop.eventLoop(), clock, max, WAIT, false);
  }

  @AfterEach
  void closeAll() {
    opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    loop.finishAndReleaseAll();
  }

  private void request() {
    pool.acquire(channel -> handed.add("got " + (opened.indexOf((EmbeddedChannel) channel) + 1)), cause -> handed.add(cause.getClass().getSimpleName()));
  }

  private void advance(long millis) {
    clock.forward(Duration.ofMillis(millis));
  }

  @Test
  void aRequestBeyondTheBoundWaitsItsTimeAndThenFails() {
    request();
    request();
    assertThat(handed).containsExactly("got 1");

    advance(WAIT.toMillis() - 1);
    assertThat(handed).as("still waiting a millisecond before its time").containsExactly("got 1");
    advance(1);
    assertThat(handed).containsExactly("got 1", TimeoutException.class.getSimpleName());
    assertThat(opened).as("the bound held: no second connection").hasSize(1);
  }

  @Test
  void aConnectionReleasedInTimeGoesToTheWaitingRequestAndItsTimerIsOff() {
    request();
    request();
    Channel first = opened.getFirst();

    advance(WAIT.toMillis() - 1);
    pool.release(first, true);
    assertThat(handed).containsExactly("got 1", "got 1");

    advance(WAIT.toMillis());
    assertThat(handed).as("no timeout after the request was served").containsExactly("got 1", "got 1");
  }

  @Test
  void aConnectionThatClosesFreesItsPlaceForTheWaitingRequest() {
    request();
    request();

    pool.release(opened.getFirst(), false); // the replica's answer said close

    assertThat(handed).containsExactly("got 1", "got 2");
    assertThat(opened.getFirst().isOpen()).isFalse();
    advance(WAIT.toMillis());
    assertThat(handed).containsExactly("got 1", "got 2");
  }

  @Test
  void aKeptConnectionIsHandedOutAgainAndAClosedOneIsPassedOver() {
    request();
    pool.release(opened.getFirst(), true);
    request();
    assertThat(handed).as("the idle connection, not a new one").containsExactly("got 1", "got 1");

    pool.release(opened.getFirst(), true);
    opened.getFirst().close(); // the replica closed it while it sat in the pool
    request();
    assertThat(handed).containsExactly("got 1", "got 1", "got 2");
  }

  /** A pool of at most one connection over TLS, each an embedded channel with a client's TLS handler. */
  private ConnectionPool tlsPool() throws Exception {
    SslContext tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
    return new ConnectionPool(() -> {
      EmbeddedChannel connection = new EmbeddedChannel(tls.newHandler(ByteBufAllocator.DEFAULT));
      opened.add(connection);
      return connection.newSucceededFuture();
    }, loop.eventLoop(), clock, 1, WAIT, true);
  }

  @Test
  void anIdleTlsConnectionThatHasSentItsCloseNotifyIsNotHandedOutAndIsClosed() throws Exception {
    pool = tlsPool();
    request();
    EmbeddedChannel first = opened.getFirst();
    pool.release(first, true);
    first.pipeline().get(SslHandler.class).closeOutbound(); // while it sat in the pool

    request();

    assertThat(handed).containsExactly("got 1", "got 2");
    assertThat(first.isOpen()).isFalse();
  }

  @Test
  void aTlsConnectionThatHasSentItsCloseNotifyIsNotKeptThoughItIsStillOpen() throws Exception {
    pool = tlsPool();
    request();
    EmbeddedChannel first = opened.getFirst();
    first.pipeline().get(SslHandler.class).closeOutbound(); // its close_notify sent, the socket not yet closed

    pool.release(first, true);
    request();

    assertThat(handed).as("a new connection for the next request, not the closing one").containsExactly("got 1", "got 2");
    assertThat(first.isOpen()).isFalse();
  }

  @Test
  void aPoolWhoseReplicaLeftFailsItsWaitingRequestsAtOnceAndTakesNoMore() {
    request();
    request();

    pool.left();

    assertThat(handed).containsExactly("got 1", IllegalStateException.class.getSimpleName());
    request();
    assertThat(handed).last().isEqualTo(IllegalStateException.class.getSimpleName());
    pool.release(opened.getFirst(), true);
    assertThat(opened.getFirst().isOpen()).as("in use when the replica left: closed as it comes back").isFalse();
    advance(WAIT.toMillis());
    assertThat(handed).hasSize(3);
  }

  private void requestNew() {
    pool.acquireNew(channel -> handed.add("new " + (opened.indexOf((EmbeddedChannel) channel) + 1)), cause -> handed.add(cause.getClass().getSimpleName()));
  }

  @Test
  void aRequestForANewConnectionPassesTheKeptOneBy() {
    pool = pool(2);
    request();
    pool.release(opened.getFirst(), true);

    requestNew();

    assertThat(handed).containsExactly("got 1", "new 2");
  }

  @Test
  void aRequestForANewConnectionWaitsAheadOfTheOthersAndTheNextReleasedMakesRoomForIt() {
    request();
    request(); // waits for the one connection
    requestNew(); // waits ahead of it

    pool.release(opened.getFirst(), true);

    assertThat(opened.getFirst().isOpen()).as("kept connections are not what it waits for: closed to make room").isFalse();
    assertThat(handed).containsExactly("got 1", "new 2");
    pool.release(opened.get(1), true);
    assertThat(handed).containsExactly("got 1", "new 2", "got 2");
    advance(WAIT.toMillis());
    assertThat(handed).as("both served, no timer left").hasSize(3);
  }
}
