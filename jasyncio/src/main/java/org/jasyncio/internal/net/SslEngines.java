package org.jasyncio.internal.net;

import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.jasyncio.transports.TlsOptions;

/** Makes and configures {@link SSLEngine}s from {@link TlsOptions}: verification, SNI, ALPN. */
final class SslEngines {
    private SslEngines() {}

    /**
     * Makes an engine.
     *
     * @param host the server host name to verify and to send by SNI (client); null or ""
     *        for none
     */
    static SSLEngine create(TlsOptions tls, boolean client, String host, int port) {
        boolean named = host != null && !host.isEmpty();
        SSLEngine e = named ? tls.sslContext().createSSLEngine(host, port) : tls.sslContext().createSSLEngine();
        e.setUseClientMode(client);
        SSLParameters p = tls.sslParameters();
        if (p == null) {
            p = e.getSSLParameters();
            if (client && named) {
                // asyncio's default context checks the host name (check_hostname=True).
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        if (client && named && SockOps.literal(host) == null
                && (p.getServerNames() == null || p.getServerNames().isEmpty())) {
            try {
                p.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notAHostName) {
                // a name SNI cannot carry (e.g. with an underscore): verification still applies
            }
        }
        List<String> alpn = tls.alpnProtocols();
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(new String[0]));
        }
        e.setSSLParameters(p);
        return e;
    }
}
