package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one certificate both TLS contenders serve: self-signed, ECDSA P-256 (what most sites now
 * serve, and the cheaper handshake of the two common choices), for {@code localhost} and
 * 127.0.0.1, valid two days, made by {@code openssl}. ringlb reads the certificate and the key
 * as PEM files (PKCS#8 key); HAProxy wants both in one file.
 *
 * @param certificate the certificate, PEM
 * @param key its private key, PEM, PKCS#8
 * @param combined the certificate followed by the key, for HAProxy's {@code crt}
 */
record TlsCertificate(Path certificate, Path key, Path combined) {

  static final String DESCRIPTION = "self-signed ECDSA P-256 (prime256v1) certificate for `localhost` and 127.0.0.1, made by "
      + "`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1`";

  /** Makes a new key and certificate in {@code folder}. */
  static TlsCertificate create(Path folder) {
    try {
      Files.createDirectories(folder);
      Path certificate = folder.resolve("certificate.pem").toAbsolutePath();
      Path key = folder.resolve("key.pem").toAbsolutePath();
      Process openssl = new ProcessBuilder(Tools.executable("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
          "-keyout", key.toString(), "-out", certificate.toString()).redirectErrorStream(true).start();
      String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (openssl.waitFor() != 0) {
        throw new IllegalStateException("openssl could not make the certificate:\n" + output);
      }
      Path combined = folder.resolve("combined.pem").toAbsolutePath();
      Files.writeString(combined, Files.readString(certificate) + Files.readString(key));
      return new TlsCertificate(certificate, key, combined);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl to make the benchmark's certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code lb.tls.*}: TLS on the data plane at {@code port} with this certificate. */
  Map<String, String> ringlbSettings(int port) {
    return Map.of("lb.tls.port", Integer.toString(port), "lb.tls.certificate", certificate.toString(), "lb.tls.key", key.toString());
  }
}
