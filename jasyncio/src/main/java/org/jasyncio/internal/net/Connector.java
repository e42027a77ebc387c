package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;

import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Handle;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;

/**
 * Client connections: asyncio's {@code create_connection}, {@code create_unix_connection}
 * and {@code start_tls} (CPython's {@code base_events} and {@code unix_events}).
 */
public final class Connector {
    private Connector() {}

    /**
     * asyncio's {@code create_connection(protocol_factory, host, port, ...)}; see
     * {@link org.jasyncio.EventLoop#createConnection(Supplier, String, int, ConnectionOptions)}.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param host the host name or IP literal
     * @param port the port
     * @param options TLS, local address, happy eyeballs
     * @return the transport and the protocol
     * @throws IOException if connecting or the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(IoLoop io, Supplier<? extends P> factory,
            String host, int port, ConnectionOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        SockOps.checkPort(port);
        TlsOptions tls = options.tls();
        String sslHost = null;
        if (tls != null) {
            // an empty host cannot name the server either (asyncio: "if not server_hostname and
            // not host"); an explicit serverHostname("") still turns the check off
            sslHost = tls.serverHostname() != null ? tls.serverHostname()
                    : host == null || host.isEmpty() ? null : host;
            if (sslHost == null) {
                throw new IllegalArgumentException("You must set serverHostname when using TLS without a host");
            }
        }
        EventLoop loop = io.eventLoop();
        List<InetSocketAddress> addrs = SockOps.getaddrinfo(loop, host, port);
        SocketAddress local = options.localAddress();
        if (local instanceof InetSocketAddress l) {
            local = SockOps.resolve(loop, l);
        }
        SocketChannel ch = connectAny(loop, addrs, local, options);
        return connected(io, ch, factory, tls, sslHost, port);
    }

    /**
     * asyncio's {@code create_connection} to a TCP or Unix socket address.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param address an InetSocketAddress or a UnixDomainSocketAddress
     * @param options TLS and local address
     * @return the transport and the protocol
     * @throws IOException if connecting or the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(IoLoop io, Supplier<? extends P> factory,
            SocketAddress address, ConnectionOptions options) throws IOException {
        Objects.requireNonNull(address, "address");
        if (address instanceof InetSocketAddress isa) {
            if (isa.isUnresolved()) {
                return createConnection(io, factory, isa.getHostString(), isa.getPort(), options);
            }
            Objects.requireNonNull(factory, "protocolFactory");
            Objects.requireNonNull(options, "options");
            TlsOptions tls = options.tls();
            String sslHost = tls == null ? null
                    : tls.serverHostname() != null ? tls.serverHostname() : isa.getHostString();
            SocketAddress local = options.localAddress();
            if (local instanceof InetSocketAddress l) {
                local = SockOps.resolve(io.eventLoop(), l);
            }
            SocketChannel ch = connectFirst(io.eventLoop(), List.of(isa), local);
            return connected(io, ch, factory, tls, sslHost, isa.getPort());
        }
        if (address instanceof UnixDomainSocketAddress ua) {
            return createUnixConnection(io, factory, ua.getPath(), options);
        }
        throw new IllegalArgumentException("unsupported address type: " + address.getClass().getName());
    }

    /**
     * asyncio's {@code create_unix_connection(protocol_factory, path, ...)}.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param path the socket file
     * @param options TLS (with a server host name)
     * @return the transport and the protocol
     * @throws IOException if connecting or the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(IoLoop io,
            Supplier<? extends P> factory, Path path, ConnectionOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        TlsOptions tls = options.tls();
        if (tls != null && tls.serverHostname() == null) {
            throw new IllegalArgumentException("you have to set serverHostname in the TLS options when using TLS "
                    + "over a Unix socket (\"\" to skip the host name check)");
        }
        if (options.localAddress() != null) {
            throw new IllegalArgumentException("a local address is not supported for Unix connections");
        }
        if (options.happyEyeballsDelay().isPresent() || options.interleave() != 0) {
            throw new IllegalArgumentException("happyEyeballsDelay and interleave choose among the addresses of a "
                    + "host; a Unix connection has one path: " + path);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            SockOps.connect(io.eventLoop(), ch, UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            closeQuietly(ch);
            throw SockOps.namingUnixPath(e, path);
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
        return connected(io, ch, factory, tls, tls == null ? null : tls.serverHostname(), 0);
    }

    /**
     * Connects to one of {@code addrs}: one at a time, as asyncio does without happy eyeballs,
     * or staggered when the options ask for it; the address families interleaved first if
     * asked (or with happy eyeballs).
     */
    static SocketChannel connectAny(EventLoop loop, List<InetSocketAddress> addrs, SocketAddress local,
            ConnectionOptions options) throws IOException {
        OptionalDouble delay = options.happyEyeballsDelay();
        int interleave = options.interleave();
        if (interleave == 0 && delay.isPresent()) {
            interleave = 1;
        }
        if (interleave > 0) {
            addrs = interleave(addrs, interleave);
        }
        if (delay.isEmpty() || addrs.size() == 1) {
            return connectFirst(loop, addrs, local);
        }
        List<Coroutine<SocketChannel>> attempts = new ArrayList<>();
        for (InetSocketAddress addr : addrs) {
            attempts.add(() -> connectOne(loop, addr, local));
        }
        Staggered.Outcome<SocketChannel> race = Staggered.race(loop, attempts, delay.getAsDouble(),
                Connector::closeQuietly);
        if (race.winner() != null) {
            return race.winner();
        }
        List<IOException> errors = new ArrayList<>();
        for (Throwable t : race.errors()) {
            if (t instanceof IOException e) {
                errors.add(e);
            } else if (t instanceof RuntimeException || t instanceof Error) {
                // not a network failure but a fault: it must not pass for "cannot connect"
                race.errors().stream().filter(o -> o != null && o != t).forEach(t::addSuppressed);
                if (t instanceof Error err) {
                    throw err;
                }
                throw (RuntimeException) t;
            } else if (t != null) {
                errors.add(new IOException(t));
            }
        }
        throw combine(errors);
    }

    /**
     * asyncio's {@code _interleave_addrinfos}: {@code firstFamilyCount} addresses of the first
     * family, then one of each family in turn, each family keeping its own order.
     */
    static List<InetSocketAddress> interleave(List<InetSocketAddress> addrs, int firstFamilyCount) {
        List<InetSocketAddress> v4 = new ArrayList<>();
        List<InetSocketAddress> v6 = new ArrayList<>();
        for (InetSocketAddress a : addrs) {
            (a.getAddress() instanceof Inet6Address ? v6 : v4).add(a);
        }
        if (v4.isEmpty() || v6.isEmpty()) {
            return addrs;
        }
        boolean v6First = addrs.get(0).getAddress() instanceof Inet6Address;
        ArrayDeque<InetSocketAddress> first = new ArrayDeque<>(v6First ? v6 : v4);
        ArrayDeque<InetSocketAddress> second = new ArrayDeque<>(v6First ? v4 : v6);
        List<InetSocketAddress> out = new ArrayList<>(addrs.size());
        for (int i = 1; i < firstFamilyCount && !first.isEmpty(); i++) {
            out.add(first.poll());
        }
        while (!first.isEmpty() || !second.isEmpty()) {
            if (!first.isEmpty()) {
                out.add(first.poll());
            }
            if (!second.isEmpty()) {
                out.add(second.poll());
            }
        }
        return out;
    }

    /** Tries each address in turn, as asyncio does without happy eyeballs. */
    static SocketChannel connectFirst(EventLoop loop, List<InetSocketAddress> addrs, SocketAddress local)
            throws IOException {
        List<IOException> errors = new ArrayList<>();
        for (InetSocketAddress addr : addrs) {
            try {
                return connectOne(loop, addr, local);
            } catch (IOException e) {
                errors.add(e);
            }
        }
        throw combine(errors);
    }

    /** asyncio's {@code _connect_sock}: one attempt; the channel is closed if it fails or is cancelled. */
    static SocketChannel connectOne(EventLoop loop, InetSocketAddress addr, SocketAddress local) throws IOException {
        boolean v6 = addr.getAddress() instanceof Inet6Address;
        if (local instanceof InetSocketAddress l && !l.isUnresolved() && (l.getAddress() instanceof Inet6Address) != v6) {
            // As asyncio, a local address of the other family is skipped (the JDK would throw
            // UnsupportedAddressTypeException): this remote address fails, the next is tried.
            throw new IOException("no matching local address with family=" + (v6 ? "AF_INET6" : "AF_INET")
                    + " found");
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (local != null) {
                try {
                    ch.bind(local);
                } catch (BindException e) {
                    // Name the address, as asyncio's "error while attempting to bind on address".
                    BindException b = new BindException("error while attempting to bind on address " + local
                            + ": " + e.getMessage());
                    b.initCause(e);
                    throw b;
                }
            }
            SockOps.connect(loop, ch, addr);
            return ch;
        } catch (ConnectException e) {
            closeQuietly(ch);
            ConnectException c = new ConnectException("Connect call failed " + addr + ": " + e.getMessage());
            c.initCause(e);
            throw c;
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
    }

    /**
     * asyncio's error for failed attempts: the one error, or the first when all say the same,
     * else "Multiple exceptions: ..." with each attempt's error attached as suppressed.
     */
    static IOException combine(List<IOException> errors) {
        if (errors.size() == 1) {
            return errors.get(0);
        }
        String model = String.valueOf(errors.get(0).getMessage());
        if (errors.stream().allMatch(e -> model.equals(String.valueOf(e.getMessage())))) {
            return errors.get(0);
        }
        StringBuilder sb = new StringBuilder("Multiple exceptions: ");
        for (int i = 0; i < errors.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(errors.get(i).getMessage());
        }
        IOException multi = new IOException(sb.toString());
        errors.forEach(multi::addSuppressed);
        return multi;
    }

    /** Makes the protocol and the transport (TLS on top if asked) and waits until connected. */
    static <P extends BaseProtocol> Connection<P> connected(IoLoop io, SocketChannel ch, Supplier<? extends P> factory,
            TlsOptions tls, String sslHost, int port) throws IOException {
        return connected(io, ch, factory, tls, false, sslHost, port);
    }

    /**
     * As {@link #connected(IoLoop, SocketChannel, Supplier, TlsOptions, String, int)}, with TLS on
     * the server side if {@code serverSide}; the channel is closed if anything fails.
     */
    static <P extends BaseProtocol> Connection<P> connected(IoLoop io, SocketChannel ch, Supplier<? extends P> factory,
            TlsOptions tls, boolean serverSide, String sslHost, int port) throws IOException {
        EventLoop loop = io.eventLoop();
        P protocol;
        SocketTransport transport;
        SslProtocol ssl = null;
        Future<Void> waiter = loop.createFuture();
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            BaseProtocol lower = protocol;
            if (tls != null) {
                SSLEngine engine = SslEngines.create(tls, !serverSide, sslHost, port);
                ssl = new SslProtocol(io, protocol, engine, waiter, serverSide, tls, true);
                lower = ssl;
            }
            transport = new SocketTransport(io, ch, lower, ssl == null ? waiter : null, null);
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
        try {
            SockOps.awaitIo(waiter);
        } catch (Throwable t) {
            transport.close();
            throw t;
        }
        return new Connection<>(ssl != null ? ssl.appTransport() : transport, protocol);
    }

    /**
     * asyncio's {@code start_tls(transport, protocol, sslcontext, server_side, ...)}.
     *
     * @param io the loop's I/O side
     * @param transport a socket transport of this loop
     * @param protocol the protocol to drive
     * @param tls the TLS options
     * @param serverSide whether to act as the TLS server
     * @return the TLS transport
     * @throws IOException if the handshake fails
     */
    public static Transport startTls(IoLoop io, Transport transport, BaseProtocol protocol, TlsOptions tls,
            boolean serverSide) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
        if (!(transport instanceof SocketTransport st) || st.loop != io.eventLoop()) {
            throw new IllegalArgumentException("startTls() upgrades transports of TCP or Unix connections made by this "
                    + "loop, not " + transport);
        }
        if (serverSide && tls.serverHostname() != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful on the client side");
        }
        if (!serverSide && tls.serverHostname() == null) {
            throw new IllegalArgumentException("startTls() on the client side needs the TLS options' serverHostname "
                    + "(\"\" to skip the host name check)");
        }
        if (st.isClosing()) {
            throw new IllegalStateException("startTls() on a closing transport: " + transport);
        }
        EventLoop loop = io.eventLoop();
        Future<Void> waiter = loop.createFuture();
        int port = st.getExtraInfo("peername") instanceof InetSocketAddress isa ? isa.getPort() : 0;
        SSLEngine engine = SslEngines.create(tls, !serverSide, tls.serverHostname(), port);
        SslProtocol ssl = new SslProtocol(io, protocol, engine, waiter, serverSide, tls, false);
        st.pauseReading();
        st.setProtocol(ssl);
        Handle made = loop.callSoon(() -> ssl.connectionMade(st));
        Handle resume = loop.callSoon(st::resumeReading);
        try {
            SockOps.awaitIo(waiter);
        } catch (Throwable t) {
            st.close();
            made.cancel();
            resume.cancel();
            throw t;
        }
        return ssl.appTransport();
    }

    static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
