package org.jasyncio.transports;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How to run TLS on a connection: the {@link SSLContext} and asyncio's TLS arguments
 * ({@code server_hostname}, {@code ssl_handshake_timeout}, {@code ssl_shutdown_timeout}),
 * plus ALPN and {@link SSLParameters}, which asyncio keeps on its {@code ssl.SSLContext}.
 * Immutable; each {@code with...} method returns a modified copy.
 *
 * <h2>Client defaults</h2>
 * Like asyncio's {@code ssl.create_default_context()}, a client verifies the server's
 * certificate against the context's trust managers and checks that it names
 * {@link #serverHostname()} (endpoint identification {@code "HTTPS"}), and sends that name
 * by SNI. The server host name defaults to the host given to {@code createConnection}; the
 * empty string turns host name checking and SNI off (as asyncio's {@code server_hostname=''}).
 * Parameters given with {@link #withSslParameters} are used as given: set their endpoint
 * identification algorithm yourself.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.of(SslContexts.client(Path.of("ca.pem")))
 *         .withServerHostname("example.test")
 *         .withAlpnProtocols("h2", "http/1.1")
 *         .withHandshakeTimeout(5);
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class TlsOptions {
    /** asyncio's SSL_HANDSHAKE_TIMEOUT: 60 seconds. */
    public static final double DEFAULT_HANDSHAKE_TIMEOUT = 60.0;
    /** asyncio's SSL_SHUTDOWN_TIMEOUT: 30 seconds. */
    public static final double DEFAULT_SHUTDOWN_TIMEOUT = 30.0;

    private final SSLContext context;
    private final String serverHostname;
    private final SSLParameters parameters;
    private final String[] alpn;
    private final double handshakeTimeout;
    private final double shutdownTimeout;
    private final boolean delegatedTasksOffLoop;

    private TlsOptions(SSLContext context, String serverHostname, SSLParameters parameters, String[] alpn,
            double handshakeTimeout, double shutdownTimeout, boolean delegatedTasksOffLoop) {
        this.context = context;
        this.serverHostname = serverHostname;
        this.parameters = parameters;
        this.alpn = alpn;
        this.handshakeTimeout = handshakeTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.delegatedTasksOffLoop = delegatedTasksOffLoop;
    }

    /**
     * Returns options that run TLS with {@code context} and the defaults above.
     *
     * @param context the context; not {@code null}
     * @return the options
     */
    public static TlsOptions of(SSLContext context) {
        Objects.requireNonNull(context, "context");
        return new TlsOptions(context, null, null, new String[0], DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_SHUTDOWN_TIMEOUT, true);
    }

    /**
     * Returns a copy with the host name the client checks the certificate against and
     * sends by SNI; asyncio's {@code server_hostname}. Not allowed on a server.
     *
     * @param hostname the name; {@code ""} turns checking and SNI off; {@code null} restores
     *        the default (the host connected to)
     * @return the copy
     */
    public TlsOptions withServerHostname(String hostname) {
        return new TlsOptions(context, hostname, parameters, alpn, handshakeTimeout, shutdownTimeout,
                delegatedTasksOffLoop);
    }

    /**
     * Returns a copy that applies {@code parameters} to every {@link javax.net.ssl.SSLEngine}
     * (protocols, cipher suites, client authentication, endpoint identification...).
     *
     * @param parameters the parameters, copied; {@code null} for the defaults
     * @return the copy
     */
    public TlsOptions withSslParameters(SSLParameters parameters) {
        return new TlsOptions(context, serverHostname, parameters == null ? null : copy(parameters), alpn,
                handshakeTimeout, shutdownTimeout, delegatedTasksOffLoop);
    }

    /**
     * Returns a copy that offers (client) or accepts (server) these ALPN protocols, in
     * order of preference; asyncio's {@code SSLContext.set_alpn_protocols()}.
     *
     * @param protocols protocol names such as {@code "h2"}; none turns ALPN off
     * @return the copy
     * @throws NullPointerException if a name is {@code null}
     */
    public TlsOptions withAlpnProtocols(String... protocols) {
        String[] p = protocols.clone();
        for (String s : p) {
            Objects.requireNonNull(s, "protocol");
        }
        return new TlsOptions(context, serverHostname, parameters, p, handshakeTimeout, shutdownTimeout,
                delegatedTasksOffLoop);
    }

    /**
     * Returns a copy whose handshake is aborted after {@code seconds}; asyncio's
     * {@code ssl_handshake_timeout}.
     *
     * @param seconds more than 0; {@code Double.POSITIVE_INFINITY} for no limit
     * @return the copy
     * @throws IllegalArgumentException if {@code seconds} is not more than 0, or NaN
     */
    public TlsOptions withHandshakeTimeout(double seconds) {
        return new TlsOptions(context, serverHostname, parameters, alpn, checkTimeout(seconds, "handshake"),
                shutdownTimeout, delegatedTasksOffLoop);
    }

    /**
     * Returns a copy whose handshake is aborted after {@code timeout}.
     *
     * @param timeout more than zero
     * @return the copy
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public TlsOptions withHandshakeTimeout(Duration timeout) {
        return withHandshakeTimeout(seconds(timeout));
    }

    /**
     * Returns a copy that waits at most {@code seconds} for the peer to answer the closing
     * {@code close_notify} before aborting the connection; asyncio's
     * {@code ssl_shutdown_timeout}.
     *
     * @param seconds more than 0; {@code Double.POSITIVE_INFINITY} for no limit
     * @return the copy
     * @throws IllegalArgumentException if {@code seconds} is not more than 0, or NaN
     */
    public TlsOptions withShutdownTimeout(double seconds) {
        return new TlsOptions(context, serverHostname, parameters, alpn, handshakeTimeout,
                checkTimeout(seconds, "shutdown"), delegatedTasksOffLoop);
    }

    /**
     * Returns a copy that waits at most {@code timeout} for the closing handshake.
     *
     * @param timeout more than zero
     * @return the copy
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public TlsOptions withShutdownTimeout(Duration timeout) {
        return withShutdownTimeout(seconds(timeout));
    }

    /**
     * Returns a copy that runs the {@link javax.net.ssl.SSLEngine}'s delegated tasks (the
     * handshake's key exchange, signatures and certificate checks) on a small pool of
     * platform threads shared by every loop, or on the loop thread itself. Off the loop is
     * the default: a burst of handshakes then costs the loop only the records' encryption,
     * and other connections keep being served meanwhile; each task's result comes back to
     * the loop through its thread-safe queue. On the loop, each handshake holds the loop for
     * its crypto (a millisecond or more), as asyncio's {@code ssl} module does. No asyncio
     * counterpart.
     *
     * @param offLoop {@code true} (the default) to run them off the loop thread
     * @return the copy
     */
    public TlsOptions withDelegatedTasksOffLoop(boolean offLoop) {
        return new TlsOptions(context, serverHostname, parameters, alpn, handshakeTimeout, shutdownTimeout, offLoop);
    }

    /**
     * Tells where the engine's delegated tasks run; see {@link #withDelegatedTasksOffLoop}.
     *
     * @return {@code true} when they run off the loop thread
     */
    public boolean delegatedTasksOffLoop() {
        return delegatedTasksOffLoop;
    }

    /**
     * Returns the context.
     *
     * @return the context
     */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * Returns the server host name set with {@link #withServerHostname}.
     *
     * @return the name, {@code ""} when checking is off, or {@code null} for the default
     */
    public String serverHostname() {
        return serverHostname;
    }

    /**
     * Returns a copy of the parameters set with {@link #withSslParameters}.
     *
     * @return the parameters, or {@code null} when the defaults apply
     */
    public SSLParameters sslParameters() {
        return parameters == null ? null : copy(parameters);
    }

    /**
     * Returns the ALPN protocols.
     *
     * @return the names, in order of preference; empty when ALPN is off
     */
    public List<String> alpnProtocols() {
        return List.of(alpn);
    }

    /**
     * Returns the handshake timeout.
     *
     * @return seconds, possibly {@code Double.POSITIVE_INFINITY}
     */
    public double handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Returns the shutdown timeout.
     *
     * @return seconds, possibly {@code Double.POSITIVE_INFINITY}
     */
    public double shutdownTimeout() {
        return shutdownTimeout;
    }

    private static double checkTimeout(double seconds, String what) {
        if (Double.isNaN(seconds) || seconds <= 0) {
            throw new IllegalArgumentException("ssl " + what + " timeout should be a positive number of seconds, got "
                    + seconds);
        }
        return seconds;
    }

    private static double seconds(Duration d) {
        Objects.requireNonNull(d, "timeout");
        return d.getSeconds() + d.getNano() / 1e9;
    }

    private static SSLParameters copy(SSLParameters p) {
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        c.setAlgorithmConstraints(p.getAlgorithmConstraints());
        c.setApplicationProtocols(p.getApplicationProtocols());
        c.setEnableRetransmissions(p.getEnableRetransmissions());
        c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        c.setMaximumPacketSize(p.getMaximumPacketSize());
        if (p.getNeedClientAuth()) {
            c.setNeedClientAuth(true);
        } else if (p.getWantClientAuth()) {
            c.setWantClientAuth(true);
        }
        c.setServerNames(p.getServerNames());
        c.setSNIMatchers(p.getSNIMatchers());
        c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        c.setNamedGroups(p.getNamedGroups());
        c.setSignatureSchemes(p.getSignatureSchemes());
        return c;
    }

    @Override
    public String toString() {
        return "TlsOptions[serverHostname=" + serverHostname + ", alpn=" + Arrays.toString(alpn)
                + ", handshakeTimeout=" + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout
                + ", delegatedTasksOffLoop=" + delegatedTasksOffLoop + "]";
    }
}
