package io.ringlb.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.ringlb.api.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS the data plane speaks to replicas behind it ({@code lb.forward.tls}): TLS 1.3 and 1.2,
 * the replica's certificate checked against the trust store ({@code lb.forward.tls.trust}, PEM;
 * the JDK's own when unset) and its name against the replica's host, as a browser checks it.
 * ALPN asks for {@code h2} when HTTP/2 is spoken, and for {@code http/1.1} otherwise.
 */
public final class ReplicaTls {

  private final SslContext context;
  private final TrustManagerFactory trust;
  private final boolean http2;

  private ReplicaTls(SslContext context, TrustManagerFactory trust, boolean http2) {
    this.context = context;
    this.trust = trust;
    this.http2 = http2;
  }

  /**
   * Loads the trust store; fails naming {@code lb.forward.tls.trust} when the file is missing or
   * holds no certificate.
   *
   * @param trust PEM certificates a replica's chain must end in; empty for the JDK's default ones
   * @param http2 whether HTTP/2 is spoken over it, which ALPN must settle
   */
  public static ReplicaTls load(Optional<Path> trust, boolean http2) {
    SslProvider provider = TlsProviders.best();
    String protocol = http2 ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1;
    SslContextBuilder builder = SslContextBuilder.forClient()
        .sslProvider(provider)
        .protocols("TLSv1.3", "TLSv1.2")
        .endpointIdentificationAlgorithm("HTTPS")
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE, ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocol));
    if (http2) {
      builder.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE); // RFC 9113, 9.2.2: no cipher HTTP/2 forbids
    }
    TrustManagerFactory trusting = trustManagers(trust);
    builder.trustManager(trusting);
    try {
      return new ReplicaTls(builder.build(), trusting, http2);
    } catch (IOException e) {
      throw new InvalidConfigException("lb.forward.tls.trust", "cannot trust what it holds: " + e.getMessage());
    }
  }

  /** The certificates a replica's chain must end in, for the heartbeats' own clients (the JDK's, grpc-java's), which check names too. */
  public TrustManagerFactory trust() {
    return trust;
  }

  /** The JDK's TLS, trusting as the data plane does: the heartbeats' HTTP client speaks it. */
  public SSLContext jdkContext() {
    try {
      SSLContext jdk = SSLContext.getInstance("TLS");
      jdk.init(null, trust.getTrustManagers(), null);
      return jdk;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has TLS", e);
    }
  }

  private static TrustManagerFactory trustManagers(Optional<Path> trust) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (trust.isEmpty()) {
        factory.init((KeyStore) null); // the JDK's own
        return factory;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate certificate : PemFiles.certificates(trust.get(), "lb.forward.tls.trust")) {
        store.setCertificateEntry("trusted-" + i++, certificate);
      }
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidConfigException("lb.forward.tls.trust", "cannot trust what " + trust.orElseThrow() + " holds: " + e.getMessage());
    }
  }

  /** A handler for a new connection to {@code host}: the name sent (SNI) and the name the replica's certificate must bear. */
  public SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
    return context.newHandler(allocator, host, port);
  }

  /** The protocol ALPN settled on in {@code handshaken}'s finished handshake: HTTP/1.1 when it settled none. */
  public static String agreed(SslHandler handshaken) {
    String agreed = handshaken.applicationProtocol();
    return agreed == null ? ApplicationProtocolNames.HTTP_1_1 : agreed;
  }

  /** The protocol ALPN must have settled on, or the connection is not the one wanted. */
  public String applicationProtocol() {
    return http2 ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1;
  }
}
