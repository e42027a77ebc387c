package org.jasyncio.transports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes {@link SSLContext}s from PEM files, as asyncio programs make theirs with
 * {@code ssl.create_default_context(cafile=...)} and {@code load_cert_chain(certfile, keyfile)}.
 * The JDK reads PEM certificates but not PEM private keys; this class reads PKCS#8 keys
 * ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl req -newkey ... -nodes} and
 * {@code openssl genpkey} write) of any algorithm the JDK knows (RSA, EC, Ed25519, ...).
 *
 * <pre>{@code
 * SSLContext server = SslContexts.server(Path.of("cert.pem"), Path.of("key.pem"));
 * SSLContext client = SslContexts.client(Path.of("ca.pem"));   // trust this CA only
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1
 */
public final class SslContexts {
    private SslContexts() {}

    /**
     * Returns a client context that trusts the JDK's default certificate authorities;
     * asyncio's {@code ssl.create_default_context()}.
     *
     * @return a new TLS context
     * @throws GeneralSecurityException if the JDK's TLS provider cannot be initialised
     */
    public static SSLContext client() throws GeneralSecurityException {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, null, null);
        return c;
    }

    /**
     * Returns a client context that trusts only the certificates in a PEM file (a CA, or a
     * self-signed server certificate); asyncio's {@code create_default_context(cafile=...)}.
     *
     * @param caPem a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return a new TLS context
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it holds no certificate, or a malformed one
     */
    public static SSLContext client(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caPem)) {
            trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Returns a server context with a certificate chain and its private key; asyncio's
     * {@code SSLContext(PROTOCOL_TLS_SERVER).load_cert_chain(certfile, keyfile)}.
     *
     * @param certChainPem the certificate, then its intermediates, as PEM
     * @param privateKeyPem the private key as unencrypted PKCS#8 PEM
     *        ({@code -----BEGIN PRIVATE KEY-----})
     * @return a new TLS context
     * @throws IOException if a file cannot be read
     * @throws GeneralSecurityException if a file is malformed, the key is in another format
     *         (the message says how to convert it), or the key does not suit the JDK
     */
    public static SSLContext server(Path certChainPem, Path privateKeyPem) throws IOException, GeneralSecurityException {
        List<Certificate> chain = certificates(certChainPem);
        PrivateKey key = privateKey(privateKeyPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
        return server(ks, pw);
    }

    /**
     * Returns a server context from a key store (for example a PKCS#12 file made by
     * {@code keytool -genkeypair}).
     *
     * @param keyStore the key store, loaded; not {@code null}
     * @param password the key's password
     * @return a new TLS context
     * @throws GeneralSecurityException if the key cannot be recovered
     */
    public static SSLContext server(KeyStore keyStore, char[] password) throws GeneralSecurityException {
        Objects.requireNonNull(keyStore, "keyStore");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * Reads the certificates of a PEM file.
     *
     * @param pem the file
     * @return the certificates, in file order
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it holds no certificate, or a malformed one
     */
    public static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = cf.generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        return List.copyOf(new ArrayList<>(certs));
    }

    /**
     * Reads an unencrypted PKCS#8 private key from a PEM file.
     *
     * @param pem the file
     * @return the key
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it holds no PKCS#8 key, or one of an unknown
     *         algorithm; PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1 ({@code BEGIN EC PRIVATE
     *         KEY}) and encrypted keys are refused with the command that converts them
     */
    public static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
                || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new GeneralSecurityException(pem + " holds a key in a format the JDK cannot read; convert it to "
                    + "unencrypted PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + pem + " -out key-pkcs8.pem");
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end, b + 1);
        if (b < 0 || e < 0) {
            throw new GeneralSecurityException("no \"" + begin + "\" block in " + pem);
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        String alg = spec.getAlgorithm();
        List<String> tries = alg != null ? List.of(alg) : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");
        GeneralSecurityException last = null;
        for (String a : tries) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(spec);
            } catch (GeneralSecurityException ex) {
                last = ex;
            }
        }
        throw new GeneralSecurityException("cannot read the private key in " + pem, last);
    }

}
