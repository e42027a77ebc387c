package org.jasyncio.transports;

import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * The optional arguments of {@link org.jasyncio.EventLoop#createServer createServer} and
 * {@code startServer}: asyncio's {@code backlog}, {@code reuse_address},
 * {@code reuse_port}, {@code ssl}, {@code ssl_handshake_timeout},
 * {@code ssl_shutdown_timeout} and {@code start_serving}. Immutable; each {@code with...}
 * method returns a modified copy.
 *
 * <pre>{@code
 * var options = ServerOptions.defaults().withBacklog(1024).withReusePort(true).withSsl(serverContext);
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class ServerOptions {
    private static final ServerOptions DEFAULTS = new ServerOptions(100, true, false, null, true);

    private final int backlog;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final TlsOptions tls;
    private final boolean startServing;

    private ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, TlsOptions tls, boolean startServing) {
        this.backlog = backlog;
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
        this.tls = tls;
        this.startServing = startServing;
    }

    /**
     * Returns the defaults: backlog 100, {@code SO_REUSEADDR} on (asyncio's default on
     * Unix), {@code SO_REUSEPORT} off, plain TCP, serving at once.
     *
     * @return the defaults
     */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy with the listen backlog; it also bounds how many connections are
     * accepted per readiness event, as in asyncio.
     *
     * @param backlog at least 1
     * @return the copy
     * @throws IllegalArgumentException if {@code backlog < 1}
     */
    public ServerOptions withBacklog(int backlog) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        return new ServerOptions(backlog, reuseAddress, reusePort, tls, startServing);
    }

    /**
     * Returns a copy that sets {@code SO_REUSEADDR} or not; asyncio's {@code reuse_address}.
     *
     * @param on whether to set it
     * @return the copy
     */
    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, tls, startServing);
    }

    /**
     * Returns a copy that sets {@code SO_REUSEPORT} or not, so that several processes or
     * loops can listen on one port; asyncio's {@code reuse_port}.
     *
     * @param on whether to set it
     * @return the copy
     */
    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, tls, startServing);
    }

    /**
     * Returns a copy that runs TLS with {@code context}; asyncio's {@code ssl=context}.
     *
     * @param context a context with a key manager; {@code null} for plain TCP
     * @return the copy
     */
    public ServerOptions withSsl(SSLContext context) {
        return new ServerOptions(backlog, reuseAddress, reusePort, context == null ? null : TlsOptions.of(context),
                startServing);
    }

    /**
     * Returns a copy that runs TLS as {@code tls} says.
     *
     * @param tls the TLS options (without a server host name); {@code null} for plain TCP
     * @return the copy
     * @throws IllegalArgumentException if {@code tls} has a server host name
     */
    public ServerOptions withTls(TlsOptions tls) {
        if (tls != null && tls.serverHostname() != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful for a client");
        }
        return new ServerOptions(backlog, reuseAddress, reusePort, tls, startServing);
    }

    /**
     * Returns a copy that starts accepting at once, or only at
     * {@link Server#startServing()} / {@link Server#serveForever()}; asyncio's
     * {@code start_serving}.
     *
     * @param on whether to accept at once
     * @return the copy
     */
    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, tls, on);
    }

    /**
     * Returns the backlog.
     *
     * @return the backlog
     */
    public int backlog() {
        return backlog;
    }

    /**
     * Tells whether {@code SO_REUSEADDR} is set.
     *
     * @return the flag
     */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /**
     * Tells whether {@code SO_REUSEPORT} is set.
     *
     * @return the flag
     */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * Returns the TLS options.
     *
     * @return the options, or {@code null} for plain TCP
     */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * Tells whether the server accepts at once.
     *
     * @return the flag
     */
    public boolean startServing() {
        return startServing;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerOptions s && backlog == s.backlog && reuseAddress == s.reuseAddress
                && reusePort == s.reusePort && Objects.equals(tls, s.tls) && startServing == s.startServing;
    }

    @Override
    public int hashCode() {
        return Objects.hash(backlog, reuseAddress, reusePort, tls, startServing);
    }

    @Override
    public String toString() {
        return "ServerOptions[backlog=" + backlog + ", reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", tls=" + tls + ", startServing=" + startServing + "]";
    }
}
