package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM loading, as asyncio's load_cert_chain / load_verify_locations. */
class SslContextsTest {
    @TempDir
    Path dir;

    @Test
    void loadsCertificatesAndPkcs8Keys() throws Exception {
        TestCerts c = TestCerts.get();
        X509Certificate cert = (X509Certificate) SslContexts.certificates(c.cert).get(0);
        assertTrue(cert.getSubjectX500Principal().getName().contains("localhost"));
        assertEquals("RSA", SslContexts.privateKey(c.key).getAlgorithm());
        assertNotNull(SslContexts.server(c.cert, c.key));
        assertNotNull(SslContexts.client(c.cert));
        assertNotNull(SslContexts.client());
    }

    @Test
    void ecKeysToo() throws Exception {
        TestCerts.get(); // skips without openssl
        Path key = dir.resolve("ec.pem");
        Process p = new ProcessBuilder("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", key.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("EC", SslContexts.privateKey(key).getAlgorithm());
    }

    @Test
    void unreadableKeysAreRefusedWithTheConversionCommand() throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> SslContexts.privateKey(pkcs1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        Path none = Files.writeString(dir.resolve("none.pem"), "nothing here");
        assertThrows(GeneralSecurityException.class, () -> SslContexts.privateKey(none));
        assertThrows(GeneralSecurityException.class, () -> SslContexts.certificates(none));
    }
}
