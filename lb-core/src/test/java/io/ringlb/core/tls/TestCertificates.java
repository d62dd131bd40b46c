package io.ringlb.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for {@code localhost} and {@code 127.0.0.1}, made by the JDK's
 * {@code keytool} as an operator would make one, as a PKCS#12 keystore and as PEM files.
 */
public record TestCertificates(Path keystore, String password, Path certificate, Path key, X509Certificate served) {

  public static final String PASSWORD = "changeit";

  /** A new certificate whose subject is {@code CN=<name>}, in {@code dir}, for {@code localhost} and {@code 127.0.0.1}. */
  public static TestCertificates make(Path dir, String name) throws IOException, GeneralSecurityException, InterruptedException {
    return make(dir, name, "dns:localhost,ip:127.0.0.1");
  }

  /** A new certificate whose subject is {@code CN=<name>}, in {@code dir}, for the names of {@code san}, as keytool writes them. */
  public static TestCertificates make(Path dir, String name, String san) throws IOException, GeneralSecurityException, InterruptedException {
    return make(dir, name, san, List.of("-keyalg", "EC", "-groupname", "secp256r1"));
  }

  /** A new certificate as {@link #make(Path, String)} makes one, with an RSA key of 2,048 bits. */
  public static TestCertificates makeRsa(Path dir, String name) throws IOException, GeneralSecurityException, InterruptedException {
    return make(dir, name, "dns:localhost,ip:127.0.0.1", List.of("-keyalg", "RSA", "-keysize", "2048"));
  }

  private static TestCertificates make(Path dir, String name, String san, List<String> keyOptions) throws IOException, GeneralSecurityException,
      InterruptedException {
    Files.createDirectories(dir);
    Path keystore = dir.resolve(name + ".p12");
    Files.deleteIfExists(keystore);
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "lb"));
    command.addAll(keyOptions);
    command.addAll(List.of("-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", PASSWORD));
    Process made = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!made.waitFor(60, TimeUnit.SECONDS) || made.exitValue() != 0) {
      throw new IOException("keytool failed: " + said);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey("lb", PASSWORD.toCharArray());
    X509Certificate certificate = (X509Certificate) store.getCertificate("lb");
    Path certificatePem = dir.resolve(name + ".crt");
    Path keyPem = dir.resolve(name + ".key");
    Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new TestCertificates(keystore, PASSWORD, certificatePem, keyPem, certificate);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** A client's TLS that trusts these certificates and no other. */
  public static SSLContext trusting(List<TestCertificates> trusted) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (TestCertificates each : trusted) {
      store.setCertificateEntry(each.served().getSubjectX500Principal().getName(), each.served());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** The certificate as a client sees it. */
  public static String subject(Certificate certificate) {
    return ((X509Certificate) certificate).getSubjectX500Principal().getName();
  }
}
