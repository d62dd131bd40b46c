package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log's writer on its own: the line it makes, its bound, and what closing it guarantees. */
class AccessLogWriterTest {

  /** The data plane's clock reads this when the wall clock reads {@link #WALL}. */
  private static final long NOW_NANOS = 5_000_000_000L;
  private static final Instant WALL = Instant.parse("2026-11-25T10:00:00.500Z");
  private static final Clock UTC = Clock.fixed(WALL, ZoneOffset.UTC);
  private static final Duration NEVER = Duration.ofHours(1);

  /** A request that arrived 377 ms before {@link #WALL} (10:00:00.123) and took 1.234567 ms. */
  private static AccessLogEntry entry(String method, String target, int status, String replica) {
    long started = NOW_NANOS - 377_000_000L;
    return new AccessLogEntry("127.0.0.1", method, target, "HTTP/1.1", status, 13, replica, started, started + 1_234_567);
  }

  @Test
  void aLineIsCommonLogFormatWithTheReplicaAndTheMillisecondsTaken() {
    StringWriter out = new StringWriter();
    AccessLogWriter writer = AccessLogWriter.start(out, false, "test", UTC, () -> NOW_NANOS, 16, NEVER);

    writer.log(entry("GET", "/home?x=1", 200, "S2"));
    writer.log(entry("GET", "/a \"b\"\\c\u00e9", 400, AccessLogEntry.NO_REPLICA)); // é as Netty reads the byte 0xE9
    writer.log(AccessLogEntry.unread("::1", 431, 97, NOW_NANOS - 10_000_000_000L, NOW_NANOS));
    writer.close();

    assertThat(out.toString().split("\n")).containsExactly(
        "127.0.0.1 - - [25/Nov/2026:10:00:00.123 +0000] \"GET /home?x=1 HTTP/1.1\" 200 13 S2 1.234ms",
        "127.0.0.1 - - [25/Nov/2026:10:00:00.123 +0000] \"GET /a\\x20\\x22b\\x22\\x5Cc\\xE9 HTTP/1.1\" 400 13 - 1.234ms",
        "::1 - - [25/Nov/2026:09:59:50.500 +0000] \"-\" 431 97 - 10000.000ms");
  }

  @Test
  void theDateIsShownInTheClocksZone() {
    StringWriter out = new StringWriter();
    AccessLogWriter writer = AccessLogWriter.start(out, false, "test", Clock.fixed(WALL, ZoneId.of("Europe/Paris")), () -> NOW_NANOS, 16, NEVER);

    writer.log(entry("GET", "/", 200, "S1"));
    writer.close();

    assertThat(out.toString()).startsWith("127.0.0.1 - - [25/Nov/2026:11:00:00.123 +0100] ");
  }

  @Test
  void aFullQueueDropsAndCountsLinesInsteadOfBlockingTheCaller() throws Exception {
    HeldBack out = new HeldBack();
    AccessLogWriter writer = AccessLogWriter.start(out, false, "test", UTC, () -> NOW_NANOS, 4, Duration.ofMillis(10));
    writer.log(entry("GET", "/first", 200, "S1"));
    assertThat(out.entered.await(10, TimeUnit.SECONDS)).as("the writer took the first line and is held back writing it").isTrue();

    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 7; i++) {
        writer.log(entry("GET", "/queued/" + i, 200, "S1"));
      }
    }, "a full queue must not block the event loop");
    assertThat(writer.dropped()).as("beyond the 4 lines the queue holds").isEqualTo(3);

    out.release.countDown();
    writer.close();
    assertThat(out.written().lines().map(line -> line.split(" ")[6]))
        .containsExactly("/first", "/queued/0", "/queued/1", "/queued/2", "/queued/3");
  }

  @Test
  void closingWritesEveryLineTakenBeforeAndAppendsToTheFile(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("access.log");
    Files.writeString(file, "an earlier line\n");
    AccessLogWriter writer = AccessLogWriter.start(new AccessLogTarget.File(file), UTC, () -> NOW_NANOS);

    for (int i = 0; i < 10_000; i++) {
      writer.log(entry("GET", "/n/" + i, 200, "S" + (i % 3)));
    }
    writer.close();

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(10_001).first().isEqualTo("an earlier line");
    assertThat(lines.getLast()).contains("\"GET /n/9999 HTTP/1.1\" 200 13 S0 ");
    assertThat(writer.dropped()).isZero();
  }

  @Test
  void linesReachTheFileWithinTheFlushIntervalWhileTheWriterRuns(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("access.log");
    AccessLogWriter writer = AccessLogWriter.start(new AccessLogTarget.File(file), UTC, () -> NOW_NANOS);
    try {
      writer.log(entry("GET", "/soon", 200, "S1"));

      await().atMost(Duration.ofSeconds(2)).until(() -> Files.readString(file).contains("\"GET /soon HTTP/1.1\" 200 13 S1 1.234ms\n"));
    } finally {
      writer.close();
    }
  }

  /** An output whose first write waits until the test releases it, as a full disk or a slow pipe would. */
  private static final class HeldBack extends Writer {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final StringBuilder text = new StringBuilder();

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      synchronized (text) {
        text.append(chars, offset, length);
      }
    }

    String written() {
      synchronized (text) {
        return text.toString();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
