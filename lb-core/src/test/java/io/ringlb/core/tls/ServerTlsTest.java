package io.ringlb.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.ringlb.api.InvalidConfigException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading what {@code lb.tls.*} names: each bad setting stops the start naming its property; a reload serves new files. */
class ServerTlsTest {

  @TempDir
  Path dir;

  private static TlsSettings pem(Path certificate, Path key) {
    return new TlsSettings(5443, Optional.of(certificate), Optional.of(key), Optional.empty(), "", Duration.ofSeconds(10));
  }

  private static TlsSettings pkcs12(Path keystore, String password) {
    return new TlsSettings(5443, Optional.empty(), Optional.empty(), Optional.of(keystore), password, Duration.ofSeconds(10));
  }

  private static void refusedNaming(TlsSettings settings, String property, String saying) {
    assertThatThrownBy(() -> ServerTls.load(settings, Instant::now)).isInstanceOfSatisfying(InvalidConfigException.class,
        refused -> assertThat(refused.key()).isEqualTo(property)).hasMessageContaining(saying);
  }

  @Test
  void pemFilesAndAKeystoreServeTheirCertificate() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");

    ServerTls fromPem = ServerTls.load(pem(made.certificate(), made.key()), Instant::now);
    ServerTls fromKeystore = ServerTls.load(pkcs12(made.keystore(), TestCertificates.PASSWORD), Instant::now);

    assertThat(fromPem.notAfter()).isEqualTo(made.served().getNotAfter().toInstant());
    assertThat(fromKeystore.notAfter()).isEqualTo(made.served().getNotAfter().toInstant());
    SslHandler handler = fromPem.newHandler(ByteBufAllocator.DEFAULT);
    // OpenSSL's engine also names "SSLv2Hello", the old hello format it reads, which is no protocol it speaks
    assertThat(handler.engine().getEnabledProtocols()).contains("TLSv1.3", "TLSv1.2").doesNotContain("TLSv1.1", "TLSv1", "SSLv3");
    handler.engine().closeOutbound();
    assertThat(fromPem.providerName()).as("netty-tcnative's BoringSSL loads on linux-x86_64").startsWith("OpenSSL (BoringSSL");
  }

  @Test
  void aMissingFileIsNamedByItsProperty() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");

    refusedNaming(pem(dir.resolve("absent.crt"), made.key()), "lb.tls.certificate", "no file at");
    refusedNaming(pem(made.certificate(), dir.resolve("absent.key")), "lb.tls.key", "no file at");
    refusedNaming(pkcs12(dir.resolve("absent.p12"), "x"), "lb.tls.keystore", "no file at");
  }

  @Test
  void aWrongPasswordIsNamed() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");

    refusedNaming(pkcs12(made.keystore(), "wrong"), "lb.tls.keystore-password", "does not open");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsNamed() throws Exception {
    TestCertificates one = TestCertificates.make(dir, "one");
    TestCertificates other = TestCertificates.make(dir, "other");

    refusedNaming(pem(one.certificate(), other.key()), "lb.tls.key", "not the key of the certificate served");
  }

  @Test
  void filesThatAreNotWhatTheySayAreNamed() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate");
    Path broken = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");

    refusedNaming(pem(text, made.key()), "lb.tls.certificate", "notes.txt");
    refusedNaming(pem(made.certificate(), text), "lb.tls.key", "holds no PEM private key");
    refusedNaming(pem(made.certificate(), broken), "lb.tls.key", "rsa.key cannot be read as PEM");
    refusedNaming(pkcs12(text, "x"), "lb.tls.keystore", "not a PKCS#12 keystore");
    assertThatThrownBy(() -> ServerTls.load(pkcs12(text, "x"), Instant::now)).message().doesNotEndWith("null");
  }

  @Test
  void aChainWhoseServedCertificateIsNotFirstIsNamedAsTheCertificates() throws Exception {
    TestCertificates leaf = TestCertificates.make(dir.resolve("leaf"), "leaf");
    TestCertificates other = TestCertificates.make(dir.resolve("other"), "other");
    Path chain = Files.writeString(dir.resolve("chain.pem"), Files.readString(other.certificate()) + Files.readString(leaf.certificate()));

    refusedNaming(pem(chain, leaf.key()), "lb.tls.certificate", "the certificate served must come first, and the key is that of CN=leaf, certificate 2");
  }

  @Test
  void aCertificateOutOfItsValidityIsServedWithAWarning() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");
    ServerTls valid = ServerTls.load(pem(made.certificate(), made.key()), Instant::now);
    Instant expired = valid.notAfter().plus(Duration.ofDays(1));
    try (Warnings warnings = Warnings.collect()) {
      ServerTls tls = ServerTls.load(pem(made.certificate(), made.key()), () -> expired);

      assertThat(tls.subject()).as("served still, as HAProxy and nginx serve it").isEqualTo("CN=localhost");
      assertThat(warnings.messages()).singleElement().asString().contains("The TLS certificate served, CN=localhost, expired at");
    }
    try (Warnings warnings = Warnings.collect()) {
      ServerTls.load(pem(made.certificate(), made.key()), Instant::now);
      assertThat(warnings.messages()).as("valid now").isEmpty();
    }
  }

  @Test
  void aReloadThatFailsIsToldOnceForEachChangeOfTheFiles() throws Exception {
    Rotation rotation = rotation();
    try (Warnings warnings = Warnings.collect()) {
      Files.copy(rotation.second().certificate(), rotation.certificate(), StandardCopyOption.REPLACE_EXISTING); // its key never comes
      rotation.tls().reload();
      rotation.tls().reload();
      Files.delete(rotation.key());
      rotation.tls().reload();
      rotation.tls().reload();

      assertThat(warnings.messages()).hasSize(2).satisfiesExactly(
          mismatch -> assertThat(mismatch).contains("cannot be loaded (lb.tls.key"),
          missing -> assertThat(missing).contains("Cannot read the TLS files"));
    }
    assertThat(rotation.tls().subject()).isEqualTo("CN=first");
  }

  /** Files served as CN=first, copied where a rotation writes CN=second's over them. */
  private record Rotation(TestCertificates second, Path certificate, Path key, ServerTls tls) {}

  private Rotation rotation() throws Exception {
    TestCertificates first = TestCertificates.make(dir.resolve("first"), "first");
    TestCertificates second = TestCertificates.make(dir.resolve("second"), "second");
    Path certificate = Files.copy(first.certificate(), dir.resolve("served.crt"));
    Path key = Files.copy(first.key(), dir.resolve("served.key"));
    return new Rotation(second, certificate, key, ServerTls.load(pem(certificate, key), Instant::now));
  }

  /** The warnings {@link ServerTls} logs while open. */
  private static final class Warnings extends java.util.logging.Handler implements AutoCloseable {

    private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ServerTls.class.getName());
    private final java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Warnings collect() {
      Warnings warnings = new Warnings();
      warnings.logger.addHandler(warnings);
      return warnings;
    }

    java.util.List<String> messages() {
      return java.util.List.copyOf(messages);
    }

    @Override
    public void publish(java.util.logging.LogRecord record) {
      if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
        messages.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters() == null ? new Object[0] : record.getParameters()));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }

  @Test
  void aKeyServesInEachPemFormOperatorsHaveOneIn() throws Exception {
    // cert-manager writes PKCS#1 for RSA and SEC1 for ECDSA unless told PKCS#8; openssl ecparam -genkey puts the curve first
    TestCertificates rsa = TestCertificates.makeRsa(dir.resolve("rsa"), "rsa");
    TestCertificates ec = TestCertificates.make(dir.resolve("ec"), "ec");
    Path pkcs1 = written(dir.resolve("pkcs1.key"), "", privateKey(rsa));
    Path sec1 = written(dir.resolve("sec1.key"), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n", withCurve(privateKey(ec)));

    assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.readString(sec1)).contains("-----BEGIN EC PRIVATE KEY-----");
    assertThat(Files.readString(ec.key())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(ServerTls.load(pem(rsa.certificate(), pkcs1), Instant::now).subject()).isEqualTo("CN=rsa");
    assertThat(ServerTls.load(pem(ec.certificate(), sec1), Instant::now).subject()).isEqualTo("CN=ec");
    assertThat(ServerTls.load(pem(ec.certificate(), ec.key()), Instant::now).subject()).isEqualTo("CN=ec");
  }

  @Test
  void anEncryptedKeyIsRefusedNamed() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");
    OutputEncryptor passphrase = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
        .setPassword("secret".toCharArray()).build();
    Path encrypted = written(dir.resolve("encrypted.key"), "", new JcaPKCS8Generator(privateKey(made), passphrase));

    assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    refusedNaming(pem(made.certificate(), encrypted), "lb.tls.key", "encrypted.key holds an encrypted key; give it unencrypted");
  }

  private static PrivateKey privateKey(TestCertificates made) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(made.keystore())) {
      store.load(in, made.password().toCharArray());
    }
    return (PrivateKey) store.getKey("lb", made.password().toCharArray());
  }

  /**
   * An EC key in SEC1's form with its curve named inside, as OpenSSL and cert-manager write it: the
   * JDK's PKCS#8 encoding names the curve only outside the inner key, which Bouncy Castle would write without it.
   */
  private static PemObject withCurve(PrivateKey key) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    return new PemObject("EC PRIVATE KEY", new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(), curve).getEncoded());
  }

  /** {@code object} as Bouncy Castle writes it in PEM (a private key in OpenSSL's traditional form), after {@code before}. */
  private static Path written(Path file, String before, Object object) throws Exception {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(object);
    }
    return Files.writeString(file, before + pem);
  }

  @Test
  void aReloadServesChangedFilesAndKeepsTheCertificateWhenTheyAreBroken() throws Exception {
    Rotation rotation = rotation();

    assertThat(rotation.tls().reload()).as("nothing changed").isFalse();

    Files.copy(rotation.second().certificate(), rotation.certificate(), StandardCopyOption.REPLACE_EXISTING);
    assertThat(rotation.tls().reload()).as("the certificate without its key: not a pair").isFalse();
    assertThat(rotation.tls().subject()).isEqualTo("CN=first");

    Files.copy(rotation.second().key(), rotation.key(), StandardCopyOption.REPLACE_EXISTING);
    assertThat(rotation.tls().reload()).isTrue();
    assertThat(rotation.tls().subject()).isEqualTo("CN=second");
  }
}
