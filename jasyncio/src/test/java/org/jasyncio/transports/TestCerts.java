package org.jasyncio.transports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Assumptions;

/**
 * Self-signed certificates made at test time with {@code openssl req -x509} (never a key
 * checked into the repository): one for "localhost" / 127.0.0.1 and a second, unrelated one
 * (an untrusted issuer). Made once per JVM in a temporary directory.
 */
public final class TestCerts {
    private static TestCerts instance;

    /** The trusted server certificate and key (PEM), and an unrelated one. */
    public final Path cert;
    public final Path key;
    public final Path otherCert;
    public final Path otherKey;
    public final Path dir;

    private TestCerts(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.cert = dir.resolve("cert.pem");
        this.key = dir.resolve("key.pem");
        this.otherCert = dir.resolve("other-cert.pem");
        this.otherKey = dir.resolve("other-key.pem");
        make(key, cert, "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        make(otherKey, otherCert, "untrusted.test", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    private static void make(Path key, Path cert, String cn, String san) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + cn, "-addext", san)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + out);
        }
    }

    /**
     * Returns the certificates, making them on first use; skips the calling test (a JUnit
     * assumption) when openssl is not installed.
     *
     * @return the certificates
     */
    public static synchronized TestCerts get() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed: TLS tests need it to make a "
                + "self-signed certificate (apt-get install openssl)");
        if (instance == null) {
            Path dir = Files.createTempDirectory("jasyncio-certs");
            dir.toFile().deleteOnExit();
            instance = new TestCerts(dir);
            for (Path p : List.of(instance.cert, instance.key, instance.otherCert, instance.otherKey)) {
                p.toFile().deleteOnExit();
            }
        }
        return instance;
    }

    /** A server context with the trusted certificate. */
    public SSLContext serverContext() throws Exception {
        return SslContexts.server(cert, key);
    }

    /** A server context with the unrelated certificate. */
    public SSLContext otherServerContext() throws Exception {
        return SslContexts.server(otherCert, otherKey);
    }

    /** A client context that trusts the trusted certificate only. */
    public SSLContext clientContext() throws Exception {
        return SslContexts.client(cert);
    }

    /** Tells whether an executable is on the PATH. */
    public static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
