package io.ringlb.core.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A gRPC call's deadline as its client sends it: {@code grpc-timeout}, at most eight digits and a
 * unit ({@code H}, {@code M}, {@code S}, {@code m}, {@code u} or {@code n}), what is left of the
 * call's time when it was sent (gRPC over HTTP/2, "Requests").
 */
final class GrpcTimeout {

  private static final String HEADER = "grpc-timeout";
  private static final int MAX_DIGITS = 8;

  private GrpcTimeout() {}

  /**
   * The deadline {@code headers} name in nanoseconds, at most {@code longest}'s; 0 when they name
   * none, or one that is not well formed, which is no deadline, as gRPC's servers read it. Eight
   * digits of hours are more nanoseconds than a {@code long} holds.
   */
  static long nanos(HttpHeaders headers, Duration longest) {
    String value = headers.get(HEADER);
    Duration deadline = value == null ? Duration.ZERO : parse(value).orElse(Duration.ZERO);
    return (deadline.compareTo(longest) > 0 ? longest : deadline).toNanos();
  }

  static Optional<Duration> parse(CharSequence value) {
    int digits = value.length() - 1;
    if (digits < 1 || digits > MAX_DIGITS) {
      return Optional.empty();
    }
    long amount = 0;
    for (int i = 0; i < digits; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return Optional.empty();
      }
      amount = amount * 10 + (c - '0');
    }
    ChronoUnit unit = switch (value.charAt(digits)) {
      case 'H' -> ChronoUnit.HOURS;
      case 'M' -> ChronoUnit.MINUTES;
      case 'S' -> ChronoUnit.SECONDS;
      case 'm' -> ChronoUnit.MILLIS;
      case 'u' -> ChronoUnit.MICROS;
      case 'n' -> ChronoUnit.NANOS;
      default -> null;
    };
    return unit == null ? Optional.empty() : Optional.of(Duration.of(amount, unit));
  }
}
