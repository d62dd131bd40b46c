package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrpcTimeoutTest {

  @Test
  void eachUnitOfTheProtocolIsRead() {
    assertThat(GrpcTimeout.parse("2H")).contains(Duration.ofHours(2));
    assertThat(GrpcTimeout.parse("3M")).contains(Duration.ofMinutes(3));
    assertThat(GrpcTimeout.parse("59S")).contains(Duration.ofSeconds(59));
    assertThat(GrpcTimeout.parse("59999m")).contains(Duration.ofMillis(59_999));
    assertThat(GrpcTimeout.parse("59999872u")).contains(Duration.ofNanos(59_999_872_000L));
    assertThat(GrpcTimeout.parse("100n")).contains(Duration.ofNanos(100));
    assertThat(GrpcTimeout.parse("99999999H")).as("eight digits, the most a value has").contains(Duration.ofHours(99_999_999));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "S", "123456789S", "10", "10s", "10h", "-1S", "1.5S", " 1S", "1 S", "１S"})
  void aMalformedValueIsNoDeadline(String value) {
    assertThat(GrpcTimeout.parse(value)).isEmpty();
  }

  @Test
  void inNanosecondsADeadlineIsCutToTheLongestThoughALongCannotHoldIt() {
    Duration day = Duration.ofDays(1);
    assertThat(GrpcTimeout.nanos(new DefaultHttpHeaders().add("grpc-timeout", "99999999H"), day)).isEqualTo(day.toNanos());
    assertThat(GrpcTimeout.nanos(new DefaultHttpHeaders().add("grpc-timeout", "90S"), day)).isEqualTo(Duration.ofSeconds(90).toNanos());
    assertThat(GrpcTimeout.nanos(new DefaultHttpHeaders().add("grpc-timeout", "soon"), day)).isZero();
    assertThat(GrpcTimeout.nanos(new DefaultHttpHeaders(), day)).isZero();
  }
}
