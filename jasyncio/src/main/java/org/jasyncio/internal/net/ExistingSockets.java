package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramOptions;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TlsOptions;

/**
 * Transports and servers over channels the caller made: asyncio's {@code sock=} argument of
 * {@code create_connection}, {@code create_server}, {@code create_datagram_endpoint} and their
 * Unix forms, and {@code connect_accepted_socket}.
 *
 * <p>A channel that fails the checks is left as it was (open, the caller's); once a transport
 * or server is being made from it, it is theirs, and a failure closes it, as in asyncio.
 */
public final class ExistingSockets {
    private ExistingSockets() {}

    /**
     * asyncio's {@code create_connection(protocol_factory, sock=sock, ...)} and
     * {@code create_unix_connection(protocol_factory, sock=sock, ...)}.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param sock a connected stream channel
     * @param options TLS only
     * @param unix whether the channel must be a Unix domain socket
     * @return the transport and the protocol
     * @throws IOException if the TLS handshake fails (the channel is then closed)
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(IoLoop io, Supplier<? extends P> factory,
            SocketChannel sock, ConnectionOptions options, boolean unix) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        Objects.requireNonNull(options, "options");
        if (options.localAddress() != null) {
            throw new IllegalArgumentException("localAddress and sock can not be specified at the same time: "
                    + "the socket is bound already");
        }
        if (options.happyEyeballsDelay().isPresent() || options.interleave() != 0) {
            throw new IllegalArgumentException("happyEyeballsDelay and interleave choose among addresses; "
                    + "they can not be used with a sock that is connected already");
        }
        SocketAddress peer = checkConnected(sock, unix);
        TlsOptions tls = options.tls();
        if (tls != null && tls.serverHostname() == null) {
            throw new IllegalArgumentException("You must set serverHostname in the TLS options when using TLS over "
                    + "a given sock (\"\" to skip the host name check)");
        }
        prepare(sock);
        int port = peer instanceof InetSocketAddress isa ? isa.getPort() : 0;
        return Connector.connected(io, sock, factory, tls, false, tls == null ? null : tls.serverHostname(), port);
    }

    /**
     * asyncio's {@code connect_accepted_socket(protocol_factory, sock, ssl=...)}: TLS, if any,
     * on the server side.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param sock a connected stream channel, typically from {@code accept()}
     * @param tls the server's TLS options, or null
     * @return the transport and the protocol
     * @throws IOException if the TLS handshake fails (the channel is then closed)
     */
    public static <P extends BaseProtocol> Connection<P> connectAccepted(IoLoop io, Supplier<? extends P> factory,
            SocketChannel sock, TlsOptions tls) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        if (tls != null && tls.serverHostname() != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful on the client side; "
                    + "connectAcceptedSocket() runs TLS as the server");
        }
        SocketAddress peer = checkConnected(sock, false);
        prepare(sock);
        int port = peer instanceof InetSocketAddress isa ? isa.getPort() : 0;
        return Connector.connected(io, sock, factory, tls, true, null, port);
    }

    /**
     * asyncio's {@code create_server(protocol_factory, sock=sock, ...)} and
     * {@code create_unix_server(protocol_factory, sock=sock, ...)}.
     *
     * @param io the loop's I/O side
     * @param factory makes one protocol per connection
     * @param sock a bound (listening) channel
     * @param options TLS, start of serving; the backlog counts accepts per wake-up only
     * @param unix whether the channel must be a Unix domain socket
     * @return the server
     * @throws IOException if the channel cannot be set up or registered
     */
    public static SocketServer createServer(IoLoop io, Supplier<? extends BaseProtocol> factory,
            ServerSocketChannel sock, ServerOptions options, boolean unix) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        Objects.requireNonNull(options, "options");
        checkOpen(sock);
        if (unix && !isUnixDomain(sock)) {
            throw new IllegalArgumentException("A UNIX Domain Stream Socket was expected, got " + sock);
        }
        SocketAddress local = sock.getLocalAddress();
        if (local == null) {
            // Java binds and listens in one call, so there is no "bound but not listening"
            // socket to call listen() on, as asyncio's server does.
            throw new IllegalArgumentException("the sock must be bound (and so listening): " + sock);
        }
        sock.configureBlocking(false);
        Path path = local instanceof UnixDomainSocketAddress ua && !ua.getPath().toString().isEmpty()
                ? ua.getPath() : null;
        // As Python 3.13's cleanup_socket, the file goes away at close if it is still this socket's.
        Object inode = path == null ? null : SocketServer.inode(path);
        SocketServer server = new SocketServer(io, factory, options, List.of(sock), path, inode);
        if (options.startServing()) {
            try {
                server.startServing0();
            } catch (Throwable t) {
                server.close();
                throw t;
            }
        }
        return server;
    }

    /**
     * asyncio's {@code create_datagram_endpoint(protocol_factory, sock=sock)}.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param sock a datagram channel, bound or connected or neither
     * @param options must be the defaults: the socket is set up already
     * @return the transport and the protocol
     * @throws IOException if the channel cannot be set up
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(IoLoop io,
            Supplier<? extends P> factory, DatagramChannel sock, DatagramOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        Objects.requireNonNull(options, "options");
        if (options.reusePort() || options.allowBroadcast()) {
            throw new IllegalArgumentException("socket modifier options can not be used when sock is specified "
                    + "(reusePort=" + options.reusePort() + ", allowBroadcast=" + options.allowBroadcast()
                    + "): set them on the channel");
        }
        checkOpen(sock);
        sock.configureBlocking(false);
        EventLoop loop = io.eventLoop();
        // A connected channel keeps its peer: sendto() to another address is refused clearly.
        SocketAddress remote = sock.isConnected() ? sock.getRemoteAddress() : null;
        P protocol;
        DatagramSocketTransport transport;
        Future<Void> waiter = loop.createFuture();
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            transport = new DatagramSocketTransport(io, sock, protocol, remote, waiter);
        } catch (Throwable t) {
            Connector.closeQuietly(sock);
            throw t;
        }
        try {
            SockOps.awaitIo(waiter);
        } catch (Throwable t) {
            transport.close();
            throw t;
        }
        return new DatagramEndpoint<>(transport, protocol);
    }

    /** The peer of a connected stream channel, or a clear error naming what is wrong with it. */
    private static SocketAddress checkConnected(SocketChannel sock, boolean unix) throws IOException {
        checkOpen(sock);
        if (unix && !isUnixDomain(sock)) {
            throw new IllegalArgumentException("A UNIX Domain Stream Socket was expected, got " + sock);
        }
        if (sock.isConnectionPending()) {
            throw new IllegalArgumentException("the sock is still connecting; finish connecting first: " + sock);
        }
        if (!sock.isConnected()) {
            throw new IllegalArgumentException("the sock must be connected: " + sock);
        }
        return sock.getRemoteAddress();
    }

    /**
     * Whether the channel is of the Unix family, bound or not: the JDK tells the family only
     * through the address, but its Unix channels alone have no SO_REUSEADDR.
     */
    private static boolean isUnixDomain(NetworkChannel ch) {
        return !ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR);
    }

    private static void checkOpen(NetworkChannel sock) {
        if (!sock.isOpen()) {
            throw new IllegalArgumentException("the sock is closed: " + sock);
        }
    }

    /** Non-blocking, and TCP_NODELAY on TCP as every jasyncio and asyncio TCP transport. */
    private static void prepare(SocketChannel sock) throws IOException {
        sock.configureBlocking(false);
        if (sock.getRemoteAddress() instanceof InetSocketAddress) {
            sock.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }
}
