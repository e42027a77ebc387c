package org.jasyncio.transports;

import java.net.SocketAddress;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * The optional arguments of {@link org.jasyncio.EventLoop#createConnection createConnection}
 * and {@code openConnection}: TLS and the local address (asyncio's {@code ssl},
 * {@code server_hostname}, {@code ssl_handshake_timeout}, {@code ssl_shutdown_timeout} and
 * {@code local_addr}). Immutable; each {@code with...} method returns a modified copy.
 *
 * <pre>{@code
 * var options = ConnectionOptions.defaults()
 *         .withTls(TlsOptions.of(ctx).withServerHostname("example.test"))
 *         .withLocalAddress(new InetSocketAddress("127.0.0.1", 0));
 * }</pre>
 *
 * <p>TCP connections always have {@code TCP_NODELAY} set, as in asyncio.
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class ConnectionOptions {
    private static final ConnectionOptions DEFAULTS = new ConnectionOptions(null, null);

    private final TlsOptions tls;
    private final SocketAddress localAddress;

    private ConnectionOptions(TlsOptions tls, SocketAddress localAddress) {
        this.tls = tls;
        this.localAddress = localAddress;
    }

    /**
     * Returns the defaults: plain TCP, any local address.
     *
     * @return the defaults
     */
    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy that runs TLS with {@code context} and the {@link TlsOptions}
     * defaults; asyncio's {@code ssl=context}.
     *
     * @param context the context; {@code null} for plain TCP
     * @return the copy
     */
    public ConnectionOptions withSsl(SSLContext context) {
        return new ConnectionOptions(context == null ? null : TlsOptions.of(context), localAddress);
    }

    /**
     * Returns a copy that runs TLS as {@code tls} says.
     *
     * @param tls the TLS options; {@code null} for plain TCP
     * @return the copy
     */
    public ConnectionOptions withTls(TlsOptions tls) {
        return new ConnectionOptions(tls, localAddress);
    }

    /**
     * Returns a copy that binds the socket to {@code address} before connecting; asyncio's
     * {@code local_addr}.
     *
     * @param address an {@link java.net.InetSocketAddress} (an unresolved one is resolved
     *        first), or {@code null} to let the system choose
     * @return the copy
     */
    public ConnectionOptions withLocalAddress(SocketAddress address) {
        return new ConnectionOptions(tls, address);
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
     * Returns the local address.
     *
     * @return the address, or {@code null}
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionOptions c && Objects.equals(tls, c.tls)
                && Objects.equals(localAddress, c.localAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, localAddress);
    }

    @Override
    public String toString() {
        return "ConnectionOptions[tls=" + tls + ", localAddress=" + localAddress + "]";
    }
}
