package io.ringlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestLogTest {

  @Test
  void theTimesAreTheLastColumnOfH2loadsLog(@TempDir Path folder) throws IOException {
    Path log = Files.writeString(folder.resolve("requests.log"), "1796222102748952\t200\t218\n1796222102748953\t200\t256\n\n");

    assertThat(RequestLog.times(log).toArray()).containsExactly(218, 256);
  }

  @Test
  void percentilesAreTheNearestRank() {
    // 1..1000 microseconds: the 500th, the 990th and the 999th
    assertThat(RequestLog.percentiles(LongStream.rangeClosed(1, 1000).map(i -> 1001 - i))).containsExactly(500, 990, 999);
    assertThat(RequestLog.percentiles(LongStream.of(7))).containsExactly(7, 7, 7);
    assertThat(RequestLog.percentiles(LongStream.empty())).containsExactly(0, 0, 0);
  }
}
