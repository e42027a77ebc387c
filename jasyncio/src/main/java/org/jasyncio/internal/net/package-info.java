/**
 * The network implementation behind {@link org.jasyncio.transports} and
 * {@link org.jasyncio.streams}: CPython's {@code selector_events} ({@code SocketTransport},
 * {@code DatagramSocketTransport}, {@code SocketServer}, the {@code sock_*} operations in
 * {@code SockOps}), {@code base_events.create_connection} ({@code Connector}) and
 * {@code sslproto} ({@code SslProtocol}, {@code SslTransport}) on {@link javax.net.ssl.SSLEngine}.
 * Transports are the selection keys' {@link org.jasyncio.internal.IoHandler}s and register
 * through {@link org.jasyncio.internal.IoLoop}. Not exported.
 */
package org.jasyncio.internal.net;
