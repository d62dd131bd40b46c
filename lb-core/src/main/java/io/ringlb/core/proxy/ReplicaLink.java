package io.ringlb.core.proxy;

import io.ringlb.core.tls.ReplicaTls;
import java.util.Objects;
import java.util.Optional;

/**
 * How the data plane reaches its replicas: the protocol, and TLS when the replicas are behind it.
 *
 * @param protocol what is spoken to replicas ({@code lb.forward.protocol})
 * @param tls the TLS replicas are reached through ({@code lb.forward.tls}); empty for cleartext.
 *     Always there for {@code h2}, never for {@code h2c}
 */
public record ReplicaLink(ReplicaProtocol protocol, Optional<ReplicaTls> tls) {

  /** HTTP/1.1 in the clear: the default, what any replica speaks. */
  public static final ReplicaLink CLEARTEXT_HTTP_1_1 = new ReplicaLink(ReplicaProtocol.HTTP_1_1, Optional.empty());

  public ReplicaLink {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tls, "tls");
    if (protocol == ReplicaProtocol.H2C && tls.isPresent()) {
      throw new IllegalArgumentException("h2c is HTTP/2 in the clear; HTTP/2 over TLS is h2");
    }
    if (protocol == ReplicaProtocol.H2 && tls.isEmpty()) {
      throw new IllegalArgumentException("h2 is HTTP/2 over TLS: it needs the replicas' TLS");
    }
  }
}
