package io.ringlb.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.ringlb.api.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
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
    assertThatThrownBy(() -> ServerTls.load(settings)).isInstanceOfSatisfying(InvalidConfigException.class,
        refused -> assertThat(refused.key()).isEqualTo(property)).hasMessageContaining(saying);
  }

  @Test
  void pemFilesAndAKeystoreServeTheirCertificate() throws Exception {
    TestCertificates made = TestCertificates.make(dir, "localhost");

    ServerTls fromPem = ServerTls.load(pem(made.certificate(), made.key()));
    ServerTls fromKeystore = ServerTls.load(pkcs12(made.keystore(), TestCertificates.PASSWORD));

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
    Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");

    refusedNaming(pem(text, made.key()), "lb.tls.certificate", "notes.txt");
    refusedNaming(pem(made.certificate(), text), "lb.tls.key", "holds no PEM private key");
    refusedNaming(pem(made.certificate(), pkcs1), "lb.tls.key", "convert it to PKCS#8: openssl pkcs8 -topk8");
    refusedNaming(pkcs12(text, "x"), "lb.tls.keystore", "not a PKCS#12 keystore");
  }

  @Test
  void aReloadServesChangedFilesAndKeepsTheCertificateWhenTheyAreBroken() throws Exception {
    TestCertificates first = TestCertificates.make(dir.resolve("first"), "first");
    TestCertificates second = TestCertificates.make(dir.resolve("second"), "second");
    Path certificate = Files.copy(first.certificate(), dir.resolve("served.crt"));
    Path key = Files.copy(first.key(), dir.resolve("served.key"));
    ServerTls tls = ServerTls.load(pem(certificate, key));

    assertThat(tls.reload()).as("nothing changed").isFalse();

    Files.copy(second.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
    assertThat(tls.reload()).as("the certificate without its key: not a pair").isFalse();
    assertThat(tls.subject()).isEqualTo("CN=first");

    Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
    assertThat(tls.reload()).isTrue();
    assertThat(tls.subject()).isEqualTo("CN=second");
  }
}
