package org.jasyncio.transports;

/**
 * The base of all transports: what every connection offers whatever its direction;
 * asyncio's {@code asyncio.BaseTransport}.
 *
 * <p>A transport is the loop's side of a connection: it owns the channel, buffers what must
 * be written and calls its {@linkplain BaseProtocol protocol} when something happens. jasyncio
 * makes transports ({@code createConnection}, {@code createServer}, {@code startTls}, ...);
 * the interfaces are open so that other transports (subprocess pipes, or a fake transport in
 * a protocol's unit test) can be written on them, as in asyncio.
 *
 * <h2>Extra information</h2>
 * {@link #getExtraInfo(String)} answers these names (others give {@code null}):
 * <table class="striped">
 * <caption>Extra information names</caption>
 * <tr><th>name</th><th>value</th><th>transports</th></tr>
 * <tr><td>{@code "peername"}</td><td>the remote {@link java.net.SocketAddress}</td><td>sockets</td></tr>
 * <tr><td>{@code "sockname"}</td><td>the local {@link java.net.SocketAddress}</td><td>sockets</td></tr>
 * <tr><td>{@code "socket"}</td><td>the {@link java.nio.channels.SocketChannel} or
 *     {@link java.nio.channels.DatagramChannel}; do not read, write or close it yourself</td><td>sockets</td></tr>
 * <tr><td>{@code "sslcontext"}</td><td>the {@link javax.net.ssl.SSLContext}</td><td>TLS</td></tr>
 * <tr><td>{@code "ssl_object"}</td><td>the {@link javax.net.ssl.SSLEngine}</td><td>TLS, after the handshake</td></tr>
 * <tr><td>{@code "ssl_session"}</td><td>the {@link javax.net.ssl.SSLSession}</td><td>TLS, after the handshake</td></tr>
 * <tr><td>{@code "peercert"}</td><td>the peer's {@link java.security.cert.X509Certificate}, or
 *     {@code null} when the peer sent none</td><td>TLS, after the handshake</td></tr>
 * <tr><td>{@code "cipher"}</td><td>the cipher suite, a {@code String} such as
 *     {@code "TLS_AES_128_GCM_SHA256"}</td><td>TLS, after the handshake</td></tr>
 * <tr><td>{@code "tls_version"}</td><td>the protocol, a {@code String} such as {@code "TLSv1.3"}</td><td>TLS, after the handshake</td></tr>
 * <tr><td>{@code "alpn_protocol"}</td><td>the protocol chosen by ALPN, or {@code null}</td><td>TLS, after the handshake</td></tr>
 * </table>
 *
 * <p>Loop-affine: call a transport's methods only on its loop's thread (from a protocol
 * callback or a task of that loop).
 *
 * @since 0.1
 */
public interface BaseTransport {
    /**
     * Returns a piece of information about the connection (see the table above); asyncio's
     * {@code get_extra_info(name)}.
     *
     * @param name the name; not {@code null}
     * @return the value, or {@code null} if this transport has none under that name
     */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    /**
     * Returns a piece of information about the connection, or {@code defaultValue};
     * asyncio's {@code get_extra_info(name, default)}.
     *
     * @param name the name; not {@code null}
     * @param defaultValue what to return when the transport has no such information
     * @return the value, or {@code defaultValue}
     */
    Object getExtraInfo(String name, Object defaultValue);

    /**
     * Tells whether the transport is closing or closed; asyncio's {@code is_closing()}.
     *
     * @return {@code true} once {@link #close()} or {@code abort()} was called or the
     *         connection was lost
     */
    boolean isClosing();

    /**
     * Closes the transport; asyncio's {@code close()}. Buffered data is still sent, in the
     * background; then the protocol's {@link BaseProtocol#connectionLost connectionLost(null)}
     * is called, on a later loop iteration. Closing twice does nothing. Never suspends.
     */
    void close();

    /**
     * Replaces the protocol; asyncio's {@code set_protocol()}. Later events go to the new
     * one.
     *
     * @param protocol the new protocol; not {@code null}
     * @throws IllegalArgumentException if this transport cannot drive that kind of protocol
     */
    void setProtocol(BaseProtocol protocol);

    /**
     * Returns the protocol; asyncio's {@code get_protocol()}.
     *
     * @return the current protocol
     */
    BaseProtocol getProtocol();
}
