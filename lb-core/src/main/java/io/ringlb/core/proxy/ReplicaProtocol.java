package io.ringlb.core.proxy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The protocol the data plane speaks to replicas ({@code lb.forward.protocol}), whatever its clients speak. */
public enum ReplicaProtocol {
  /** HTTP/1.1, a pooled connection per request in flight: what every replica speaks. */
  HTTP_1_1("http/1.1"),
  /** HTTP/2 in the clear by prior knowledge (RFC 9113, 3.3): one connection per replica and event loop, a stream per request. */
  H2C("h2c"),
  /** HTTP/2 over TLS, chosen by ALPN: one connection per replica and event loop, a stream per request. */
  H2("h2");

  private final String spelling;

  ReplicaProtocol(String spelling) {
    this.spelling = spelling;
  }

  /** As it is written in {@code lb.forward.protocol}. */
  public String spelling() {
    return spelling;
  }

  /** Whether requests share a connection to the replica, a stream each. */
  boolean multiplexed() {
    return this != HTTP_1_1;
  }

  /** The protocol written {@code value}, as in {@code h2c}; empty when there is none such. */
  public static Optional<ReplicaProtocol> parse(String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(protocol -> protocol.spelling.equals(wanted)).findFirst();
  }

  /** Every spelling accepted, for an error that lists them. */
  public static String accepted() {
    return Arrays.stream(values()).map(ReplicaProtocol::spelling).collect(Collectors.joining(", "));
  }
}
