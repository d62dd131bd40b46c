package io.ringlb.core.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation the data plane speaks with, to clients and to replicas alike. */
final class TlsProviders {

  private TlsProviders() {}

  /** OpenSSL (netty-tcnative's BoringSSL) where it loads and does ALPN, the JDK's provider otherwise. */
  static SslProvider best() {
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
  }
}
