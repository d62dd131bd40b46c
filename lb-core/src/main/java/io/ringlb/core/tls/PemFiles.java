package io.ringlb.core.tls;

import io.ringlb.api.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Files that TLS settings name, read so that what is wrong with one is said with the property that named it. */
final class PemFiles {

  private PemFiles() {}

  /** The certificates of a PEM file, at least one, in the file's order. */
  static List<X509Certificate> certificates(Path path, String property) {
    return certificates(bytes(path, property), path, property);
  }

  /** The certificates of {@code bytes}, read from the PEM file at {@code path}, at least one, in the file's order. */
  static List<X509Certificate> certificates(byte[] bytes, Path path, String property) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidConfigException(property, path + " is not PEM certificates: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new InvalidConfigException(property, path + " holds no certificate");
    }
    return certificates;
  }

  static byte[] bytes(Path path, String property) {
    if (!Files.isRegularFile(path)) {
      throw new InvalidConfigException(property, "no file at " + path);
    }
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidConfigException(property, path + " cannot be read: " + e.getMessage());
    }
  }
}
