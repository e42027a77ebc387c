package org.jasyncio.examples.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.jasyncio.transports.SslContexts;

/**
 * A self-signed certificate for "localhost" and 127.0.0.1, made on the spot with the JDK's
 * own {@code keytool} into a temporary directory, for the examples' {@code --tls} mode. No
 * private key is ever checked in; this one lives until the JVM exits.
 *
 * @param keyStore the PKCS#12 key store holding the key and certificate
 * @param certificatePem the certificate alone, as PEM: what a client passes as {@code --cafile}
 */
public record SelfSignedCertificate(Path keyStore, Path certificatePem) {
    private static final String PASSWORD = "changeit";

    /**
     * Makes a new key pair and certificate (EC P-256, valid two days).
     *
     * @return the files
     * @throws IOException if keytool fails
     * @throws InterruptedException if interrupted while keytool runs
     */
    public static SelfSignedCertificate create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jasyncio-example-tls");
        Path p12 = dir.resolve("server.p12");
        Path pem = dir.resolve("server-cert.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(),
                "-storepass", PASSWORD, "-file", pem.toString()));
        for (Path p : List.of(p12, pem, dir)) {
            p.toFile().deleteOnExit();
        }
        return new SelfSignedCertificate(p12, pem);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, 2)) + " failed: " + out);
        }
    }

    /**
     * Returns a server context with this certificate.
     *
     * @return the context
     * @throws IOException if the key store cannot be read
     * @throws GeneralSecurityException if it is malformed
     */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return SslContexts.server(ks, PASSWORD.toCharArray());
    }
}
