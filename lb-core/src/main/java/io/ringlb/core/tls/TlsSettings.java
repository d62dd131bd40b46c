package io.ringlb.core.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * TLS on the data plane ({@code lb.tls.*}): its own port beside the cleartext one, and the
 * certificate it serves, as PEM files or a PKCS#12 keystore (exactly one of the two).
 *
 * @param port the TLS port ({@code lb.tls.port})
 * @param certificate the certificate chain, PEM, the server's own first ({@code lb.tls.certificate})
 * @param key its private key, PEM, PKCS#8 ({@code lb.tls.key})
 * @param keystore a PKCS#12 keystore holding the key and its chain ({@code lb.tls.keystore})
 * @param keystorePassword the keystore's password ({@code lb.tls.keystore-password}), empty for none
 * @param reloadInterval how often the files are read again for a new certificate ({@code lb.tls.reload-interval-ms})
 */
public record TlsSettings(int port, Optional<Path> certificate, Optional<Path> key, Optional<Path> keystore, String keystorePassword,
    Duration reloadInterval) {}
