package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** h2load's summary, read from what h2load 1.52 printed against HAProxy over TLS. */
class H2loadResultTest {

  private static String sample(String name) throws IOException {
    try (InputStream in = H2loadResultTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aTimedRunIsReadWithItsRateAndWhatTlsNegotiated() throws IOException {
    H2loadResult result = H2loadResult.parse(sample("h2load-timed.txt")).orElseThrow();

    assertThat(result.succeeded()).isEqualTo(211_680);
    // "finished in 2.00s" is rounded; the time is taken back from the rate it printed, 105840.00 req/s
    assertThat(result.seconds()).isCloseTo(2.0, within(1e-9));
    assertThat(result.succeeded() / result.seconds()).isCloseTo(105_840.0, within(1e-6));
    assertThat(result.errors()).isZero();
    assertThat(result.negotiated()).isEqualTo("TLSv1.3, TLS_AES_256_GCM_SHA384, h2");
  }

  @Test
  void aRunOfOneRequestPerClientIsReadInMilliseconds() throws IOException {
    H2loadResult result = H2loadResult.parse(sample("h2load-handshakes.txt")).orElseThrow();

    assertThat(result.succeeded()).isEqualTo(64);
    assertThat(result.seconds()).isCloseTo(0.04175, within(1e-4));
    assertThat(result.applicationProtocol()).isEqualTo("h2");
  }

  @Test
  void failedRequestsAndErrorAnswersAreErrors() {
    String output = """
        finished in 10.00s, 900.00 req/s, 1.00MB/s
        requests: 10000 total, 10000 started, 9990 done, 9000 succeeded, 1000 failed, 10 errored, 10 timeout
        status codes: 8990 2xx, 0 3xx, 7 4xx, 3 5xx
        """;

    H2loadResult result = H2loadResult.parse(output).orElseThrow();

    assertThat(result.errors()).isEqualTo(1000 + 7 + 3);
    assertThat(result.seconds()).isCloseTo(10.0, within(1e-9));
    // a cleartext run prints no TLS lines
    assertThat(result.negotiated()).isEqualTo("none, none, none");
  }

  @Test
  void aRunThatNeverGotToItsSummaryIsEmpty() {
    assertThat(H2loadResult.parse("starting benchmark...\nNo protocol negotiated. Aborted.\n")).isEmpty();
  }
}
