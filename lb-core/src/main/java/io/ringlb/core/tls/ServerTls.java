package io.ringlb.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.ringlb.api.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The TLS the data plane serves: TLS 1.3 and 1.2 only, ALPN offering {@code h2} and
 * {@code http/1.1}, through OpenSSL (netty-tcnative's BoringSSL) where it loads and the JDK's
 * provider otherwise. The certificate is read again when its files change ({@link #reload}), as
 * cert-manager rotates one: connections made since get the new one, those open keep theirs.
 *
 * <p>Every way the files can be wrong stops the start naming the property: a missing or
 * unreadable file, a keystore the password does not open, a key that is not the certificate's.
 * A reload that fails keeps the certificate served and says why in the log, once for each
 * change of the files. A certificate out of its validity is served, as HAProxy and nginx serve
 * it, with a warning: every client that checks it will refuse the connection.
 */
public final class ServerTls {

  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

  /** What was loaded from the files, and the digest of the files it was loaded from. */
  private record Loaded(SslContext context, X509Certificate served, byte[] fingerprint) {}

  private final TlsSettings settings;
  private final SslProvider provider;
  private final Supplier<Instant> now;
  private volatile Loaded current;
  /** The digest of the files the last reload could not load, or could not read: told once, not at every look. */
  private byte[] refused;
  private boolean unreadable;

  private ServerTls(TlsSettings settings, SslProvider provider, Supplier<Instant> now, Loaded first) {
    this.settings = settings;
    this.provider = provider;
    this.now = now;
    this.current = first;
  }

  /**
   * Loads the certificate and key {@code settings} name; fails naming the property at fault.
   *
   * @param now the wall clock the certificate's validity is read by
   */
  public static ServerTls load(TlsSettings settings, Supplier<Instant> now) {
    SslProvider provider = TlsProviders.best();
    ServerTls tls = new ServerTls(settings, provider, now, load(settings, provider, Contents.read(settings)));
    LOG.log(System.Logger.Level.INFO, "TLS on port {0,number,#} with {1}: {2}, valid until {3}", settings.port(), tls.providerName(),
        tls.subject(), tls.notAfter());
    tls.warnIfOutOfValidity();
    return tls;
  }

  /** The port TLS is served on ({@code lb.tls.port}). */
  public int port() {
    return settings.port();
  }

  /** How often {@link #reload} should look at the files ({@code lb.tls.reload-interval-ms}). */
  public Duration reloadInterval() {
    return settings.reloadInterval();
  }

  /** Which TLS implementation serves: OpenSSL's (BoringSSL) or the JDK's. */
  public String providerName() {
    return provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "the JDK's provider";
  }

  /** The end of the validity of the certificate served now. */
  public Instant notAfter() {
    return current.served().getNotAfter().toInstant();
  }

  /** The subject of the certificate served now: {@code CN=example.com}. */
  public String subject() {
    return current.served().getSubjectX500Principal().getName();
  }

  /** A handler for a new connection, with the certificate served now. */
  public SslHandler newHandler(ByteBufAllocator allocator) {
    return current.context().newHandler(allocator);
  }

  /**
   * Reads the files again and serves what they hold from now on, if they changed; answers
   * whether they did. A failure keeps the certificate served.
   */
  public boolean reload() {
    Contents contents;
    try {
      contents = Contents.read(settings);
    } catch (RuntimeException failed) {
      if (!unreadable) {
        LOG.log(System.Logger.Level.WARNING, "Cannot read the TLS files to look for a new certificate (" + failed.getMessage()
            + "); still serving the one loaded");
      }
      unreadable = true;
      return false;
    }
    unreadable = false;
    byte[] fingerprint = contents.fingerprint();
    if (Arrays.equals(fingerprint, current.fingerprint()) || Arrays.equals(fingerprint, refused)) {
      return false;
    }
    try {
      current = load(settings, provider, contents);
    } catch (RuntimeException invalid) {
      refused = fingerprint;
      LOG.log(System.Logger.Level.WARNING, "The TLS files changed but cannot be loaded (" + invalid.getMessage() + "); still serving the one loaded");
      return false;
    }
    refused = null;
    LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded: {0}, valid until {1}", subject(), notAfter());
    warnIfOutOfValidity();
    return true;
  }

  private void warnIfOutOfValidity() {
    Instant at = now.get();
    X509Certificate served = current.served();
    if (at.isAfter(served.getNotAfter().toInstant())) {
      LOG.log(System.Logger.Level.WARNING, "The TLS certificate served, {0}, expired at {1}: clients that check it refuse every connection",
          subject(), notAfter());
    } else if (at.isBefore(served.getNotBefore().toInstant())) {
      LOG.log(System.Logger.Level.WARNING, "The TLS certificate served, {0}, is not valid before {1}: clients that check it refuse every connection",
          subject(), served.getNotBefore().toInstant());
    }
  }

  /**
   * The files the certificate comes from, each read once: what is loaded is what was compared, so
   * a file that changes between two reads can never leave the old certificate served for good.
   *
   * @param first the keystore, or the certificates' PEM file
   * @param second the key's PEM file; empty with a keystore
   */
  private record Contents(byte[] first, byte[] second) {

    static Contents read(TlsSettings settings) {
      return settings.keystore().isPresent() ? new Contents(PemFiles.bytes(settings.keystore().get(), "lb.tls.keystore"), new byte[0])
          : new Contents(PemFiles.bytes(settings.certificate().orElseThrow(), "lb.tls.certificate"), PemFiles.bytes(settings.key().orElseThrow(), "lb.tls.key"));
    }

    /** A digest of both, where the first ends included: a reload happens only when it changes. */
    byte[] fingerprint() {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(first.length).array());
        digest.update(first);
        digest.update(second);
        return digest.digest();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }
  }

  private static Loaded load(TlsSettings settings, SslProvider provider, Contents contents) {
    PrivateKey key;
    List<X509Certificate> chain;
    String keyProperty;
    if (settings.keystore().isPresent()) {
      KeyStore store = keystore(contents.first(), settings.keystore().get(), settings.keystorePassword());
      keyProperty = "lb.tls.keystore";
      try {
        String alias = Collections.list(store.aliases()).stream().filter(name -> isPrivateKey(store, name)).findFirst()
            .orElseThrow(() -> new InvalidConfigException("lb.tls.keystore", settings.keystore().get() + " holds no private key"));
        key = (PrivateKey) store.getKey(alias, settings.keystorePassword().toCharArray());
        chain = new ArrayList<>();
        for (Certificate certificate : store.getCertificateChain(alias)) {
          chain.add((X509Certificate) certificate);
        }
      } catch (GeneralSecurityException e) {
        throw new InvalidConfigException("lb.tls.keystore-password", "the key in " + settings.keystore().get() + " cannot be read with it: " + e.getMessage());
      }
    } else {
      chain = PemFiles.certificates(contents.first(), settings.certificate().orElseThrow(), "lb.tls.certificate");
      key = privateKey(contents.second(), settings.key().orElseThrow());
      keyProperty = "lb.tls.key";
    }
    X509Certificate served = chain.getFirst();
    if (!matches(key, served)) {
      for (int i = 1; i < chain.size() && settings.keystore().isEmpty(); i++) {
        if (matches(key, chain.get(i))) {
          throw new InvalidConfigException("lb.tls.certificate", "the certificate served must come first, and the key is that of "
              + chain.get(i).getSubjectX500Principal().getName() + ", certificate " + (i + 1) + " in the file, after "
              + served.getSubjectX500Principal().getName());
        }
      }
      throw new InvalidConfigException(keyProperty, "the private key is not the key of the certificate served (" + served.getSubjectX500Principal().getName() + ")");
    }
    try {
      SslContext context = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE, ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
          .build();
      return new Loaded(context, served, contents.fingerprint());
    } catch (IOException e) {
      throw new InvalidConfigException(keyProperty, "cannot serve the certificate and key: " + e.getMessage());
    }
  }

  private static boolean isPrivateKey(KeyStore store, String alias) {
    try {
      return store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyStore keystore(byte[] bytes, Path path, String password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), password.toCharArray());
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new InvalidConfigException("lb.tls.keystore-password", "it does not open " + path);
      }
      throw new InvalidConfigException("lb.tls.keystore", path + " is not a PKCS#12 keystore, or lb.tls.keystore-password does not open it"
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (GeneralSecurityException e) {
      throw new InvalidConfigException("lb.tls.keystore", path + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * The first private key of a PEM file, in any of the forms operators have one: PKCS#8 ({@code
   * PRIVATE KEY}, OpenSSL 3's default), PKCS#1 ({@code RSA PRIVATE KEY}, cert-manager's default
   * for RSA) or SEC1 ({@code EC PRIVATE KEY}, cert-manager's for ECDSA, after the curve's
   * {@code EC PARAMETERS} where {@code openssl ecparam -genkey} writes them). An encrypted key is
   * refused, as HAProxy's and nginx's unattended starts refuse one: nothing would hold its passphrase.
   */
  private static PrivateKey privateKey(byte[] bytes, Path path) {
    PrivateKeyInfo key = switch (firstKey(bytes, path)) {
      case PrivateKeyInfo pkcs8 -> pkcs8;
      case PEMKeyPair traditional -> traditional.getPrivateKeyInfo();
      case null -> throw new InvalidConfigException("lb.tls.key", path + " holds no PEM private key");
      default -> throw new InvalidConfigException("lb.tls.key", path + " holds an encrypted key; give it unencrypted: openssl pkey -in "
          + path.getFileName() + " -out key.pem");
    };
    try {
      return new JcaPEMKeyConverter().getPrivateKey(key);
    } catch (PEMException unknown) {
      throw new InvalidConfigException("lb.tls.key", path + " holds a private key of a kind this Java runtime does not read: " + unknown.getMessage());
    }
  }

  /** The first private key of a PEM file as Bouncy Castle reads it, encrypted or not; null where it holds none. */
  private static Object firstKey(byte[] bytes, Path path) {
    try (PEMParser pem = new PEMParser(new StringReader(new String(bytes, StandardCharsets.US_ASCII)))) {
      for (Object read; (read = pem.readObject()) != null; ) {
        if (read instanceof PrivateKeyInfo || read instanceof PEMKeyPair || read instanceof PKCS8EncryptedPrivateKeyInfo
            || read instanceof PEMEncryptedKeyPair) {
          return read;
        }
      }
      return null; // certificates, or the curve's parameters, alone
    } catch (IOException | RuntimeException malformed) {
      throw new InvalidConfigException("lb.tls.key", path + " cannot be read as PEM: " + malformed.getMessage());
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "ringlb".getBytes(StandardCharsets.US_ASCII);
      Signature signing = Signature.getInstance(algorithm);
      signing.initSign(key);
      signing.update(probe);
      byte[] signed = signing.sign();
      Signature verifying = Signature.getInstance(algorithm);
      verifying.initVerify(certificate.getPublicKey());
      verifying.update(probe);
      return verifying.verify(signed);
    } catch (GeneralSecurityException mismatch) {
      return false; // a key of another kind than the certificate's
    }
  }
}
