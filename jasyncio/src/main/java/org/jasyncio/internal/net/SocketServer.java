package org.jasyncio.internal.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.TimerHandle;
import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoHandler;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TlsOptions;

/**
 * A listening server: asyncio's {@code base_events.Server} with the accept loop of
 * {@code selector_events._accept_connection} and the 3.13 client tracking
 * ({@code close_clients}, {@code abort_clients}).
 *
 * <p>Loop-affine.
 */
public final class SocketServer implements Server {
    /** asyncio's constants.ACCEPT_RETRY_DELAY, seconds. */
    private static final double ACCEPT_RETRY_DELAY = 1.0;

    private final IoLoop io;
    private final EventLoop loop;
    private final Supplier<? extends BaseProtocol> factory;
    private final ServerOptions options;
    private List<Listener> listeners;
    private final List<NetworkChannel> channels;
    private final List<SocketAddress> addresses;
    private final Set<SelectorTransport> clients = new LinkedHashSet<>();
    private List<Future<Void>> waiters = new ArrayList<>();
    private boolean serving;
    private Future<Void> servingForever;
    private final Path unixPath;
    private final Object unixInode;
    /**
     * Where accepted channels go instead of becoming connections here: a loop group's
     * acceptor hands them to another loop's {@link #adopt}. Null for an ordinary server.
     */
    private Consumer<SocketChannel> handoff;
    /** clients.size(), published for other threads (a loop group sums it over its loops). */
    private volatile int clientCount;

    SocketServer(IoLoop io, Supplier<? extends BaseProtocol> factory, ServerOptions options,
            List<ServerSocketChannel> socks, Path unixPath, Object unixInode) throws IOException {
        this.io = io;
        this.loop = io.eventLoop();
        this.factory = factory;
        this.options = options;
        this.unixPath = unixPath;
        this.unixInode = unixInode;
        List<Listener> ls = new ArrayList<>();
        List<SocketAddress> as = new ArrayList<>();
        for (ServerSocketChannel s : socks) {
            ls.add(new Listener(s));
            as.add(s.getLocalAddress());
        }
        this.listeners = ls;
        this.channels = List.copyOf(socks);
        this.addresses = List.copyOf(as);
    }

    // ---- creation ---------------------------------------------------------------------------

    /**
     * asyncio's {@code create_server(protocol_factory, host, port, ...)}.
     *
     * @param io the loop's I/O side
     * @param factory makes one protocol per connection
     * @param hosts the hosts, or null for all interfaces
     * @param port the port
     * @param options the options
     * @return the server
     * @throws IOException if binding fails
     */
    public static SocketServer createTcp(IoLoop io, Supplier<? extends BaseProtocol> factory, List<String> hosts, int port,
            ServerOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        SockOps.checkPort(port);
        EventLoop loop = io.eventLoop();
        Set<InetSocketAddress> addrs = new LinkedHashSet<>();
        // "All interfaces" (no host, or "") is one dual-stack socket; an explicit "0.0.0.0" or
        // "::" gets a socket of its own family only, as asyncio's getaddrinfo gives it.
        InetSocketAddress allInterfaces = new InetSocketAddress((InetAddress) null, port);
        boolean dualStack = false;
        if (hosts == null || hosts.size() == 1 && (hosts.get(0) == null || hosts.get(0).isEmpty())) {
            addrs.add(allInterfaces);
            dualStack = true;
        } else {
            for (String h : hosts) {
                Objects.requireNonNull(h, "host");
                if (h.isEmpty()) {
                    addrs.add(allInterfaces);
                    dualStack = true;
                } else {
                    addrs.addAll(SockOps.getaddrinfo(loop, h, port));
                }
            }
        }
        List<ServerSocketChannel> socks = new ArrayList<>();
        try {
            for (InetSocketAddress a : addrs) {
                ServerSocketChannel s = dualStack && a.equals(allInterfaces) ? ServerSocketChannel.open()
                        : ServerSocketChannel.open(a.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                                : StandardProtocolFamily.INET);
                socks.add(s);
                s.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) {
                    setReusePort(s);
                }
                try {
                    s.bind(a, options.backlog());
                } catch (BindException e) {
                    BindException b = new BindException("error while attempting to bind on address " + a + ": "
                            + e.getMessage());
                    b.initCause(e);
                    throw b;
                }
                s.configureBlocking(false);
            }
            SocketServer server = new SocketServer(io, factory, options, socks, null, null);
            if (options.startServing()) {
                server.startServing0();
            }
            return server;
        } catch (Throwable t) {
            socks.forEach(Connector::closeQuietly);
            throw t;
        }
    }

    /**
     * A server with no listening socket of its own, whose connections come from
     * {@link #adopt}: one per loop of a loop group whose acceptor runs elsewhere. It tracks
     * its connections as any server does ({@link #waitClosed}, {@link #closeClients}).
     *
     * @param io the loop's I/O side
     * @param factory makes one protocol per connection
     * @param options the options (TLS, for the adopted connections)
     * @return the server, serving
     * @throws IOException never in practice (no socket is opened)
     */
    public static SocketServer adopting(IoLoop io, Supplier<? extends BaseProtocol> factory, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        SocketServer server = new SocketServer(io, factory, options, List.of(), null, null);
        server.serving = true;
        return server;
    }

    /**
     * Sends every channel this server accepts to {@code handoff} (called on this loop's
     * thread) instead of making it a connection here; set before the server starts serving.
     * If {@code handoff} throws, the channel is closed and the failure reported.
     *
     * @param handoff takes the accepted, still blocking channel; not {@code null}
     */
    public void handOffTo(Consumer<SocketChannel> handoff) {
        io.checkLoopThread("SocketServer.handOffTo()");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
    }

    /**
     * Makes {@code ch}, accepted by another loop's listener, a connection of this server, as
     * if this server had accepted it. The connection is served even when this server was
     * closed meanwhile: closing stops listening, never drops an accepted connection.
     *
     * @param ch an accepted channel, not registered with any selector
     */
    public void adopt(SocketChannel ch) {
        io.checkLoopThread("SocketServer.adopt()");
        acceptConnection(ch);
    }

    private static void setReusePort(ServerSocketChannel s) throws IOException {
        SocketOption<Boolean> rp = StandardSocketOptions.SO_REUSEPORT;
        if (!s.supportedOptions().contains(rp)) {
            throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform");
        }
        s.setOption(rp, true);
    }

    /**
     * asyncio's {@code create_unix_server(protocol_factory, path, ...)}.
     *
     * @param io the loop's I/O side
     * @param factory makes one protocol per connection
     * @param path the socket file
     * @param options the options
     * @return the server
     * @throws IOException if binding fails
     */
    public static SocketServer createUnix(IoLoop io, Supplier<? extends BaseProtocol> factory, Path path,
            ServerOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (isSocket(path)) {
                Files.delete(path); // a stale socket file, as asyncio removes
            } else {
                throw new FileAlreadyExistsException(path.toString(), null,
                        "a file that is not a Unix socket is in the way of the server's socket");
            }
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                s.bind(UnixDomainSocketAddress.of(path), options.backlog());
            } catch (IOException e) {
                throw SockOps.namingUnixPath(e, path);
            }
            s.configureBlocking(false);
            Object inode = inode(path);
            SocketServer server = new SocketServer(io, factory, options, List.of(s), path, inode);
            if (options.startServing()) {
                server.startServing0();
            }
            return server;
        } catch (Throwable t) {
            Connector.closeQuietly(s);
            throw t;
        }
    }

    private static boolean isSocket(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).isOther();
            } catch (IOException e2) {
                return false;
            }
        }
    }

    static Object inode(Path p) {
        try {
            return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    // ---- serving ----------------------------------------------------------------------------

    void startServing0() throws IOException {
        if (serving) {
            return;
        }
        serving = true;
        for (Listener l : listeners) {
            l.key = io.register(l.sock, SelectionKey.OP_ACCEPT, l);
        }
    }

    @Override
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public void startServing() {
        if (listeners == null) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        try {
            startServing0();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start serving: " + e.getMessage(), e);
        }
        Asyncio.sleep(0);
    }

    @Override
    public void serveForever() {
        if (servingForever != null) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        if (listeners == null) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        try {
            startServing0();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start serving: " + e.getMessage(), e);
        }
        Future<Void> f = loop.createFuture();
        servingForever = f;
        try {
            f.await();
        } catch (CancelledError e) {
            try {
                close();
                waitClosed();
            } finally {
                throw e;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            servingForever = null;
        }
    }

    @Override
    public void close() {
        io.checkLoopThread("Server.close()");
        List<Listener> ls = listeners;
        if (ls == null) {
            return;
        }
        listeners = null;
        for (Listener l : ls) {
            Connector.closeQuietly(l.sock);
        }
        // Stop listening now, as asyncio does: without this, the closed sockets would still
        // complete connections until the loop's next select.
        io.releaseClosedChannels();
        serving = false;
        if (unixPath != null && unixInode != null && unixInode.equals(inode(unixPath))) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                SelectorTransport.LOG.log(Level.WARNING, "cannot remove the socket file " + unixPath, e);
            }
        }
        Future<Void> f = servingForever;
        if (f != null && !f.done()) {
            f.cancel();
            servingForever = null;
        }
        if (clients.isEmpty()) {
            wakeup();
        }
    }

    @Override
    public void closeClients() {
        io.checkLoopThread("Server.closeClients()");
        for (SelectorTransport t : List.copyOf(clients)) {
            t.close();
        }
    }

    @Override
    public void abortClients() {
        io.checkLoopThread("Server.abortClients()");
        for (SelectorTransport t : List.copyOf(clients)) {
            t.abort();
        }
    }

    @Override
    public void waitClosed() {
        List<Future<Void>> ws = waiters;
        if (ws == null) {
            return;
        }
        Future<Void> f = loop.createFuture();
        ws.add(f);
        try {
            f.await();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            List<Future<Void>> now = waiters;
            if (now != null) {
                now.remove(f);
            }
        }
    }

    private void wakeup() {
        List<Future<Void>> ws = waiters;
        if (ws == null) {
            return;
        }
        waiters = null;
        for (Future<Void> w : ws) {
            if (!w.done()) {
                w.setResult(null);
            }
        }
    }

    void attach(SelectorTransport t) {
        clients.add(t);
        clientCount = clients.size();
    }

    void detach(SelectorTransport t) {
        clients.remove(t);
        clientCount = clients.size();
        if (clients.isEmpty() && listeners == null) {
            wakeup();
        }
    }

    @Override
    public List<NetworkChannel> sockets() {
        return listeners == null ? List.of() : channels;
    }

    @Override
    public List<SocketAddress> addresses() {
        return listeners == null ? List.of() : addresses;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Thread-safe: from another thread the count may be stale at once.
     */
    @Override
    public int activeConnections() {
        return clientCount;
    }

    @Override
    public String toString() {
        return "<Server sockets=" + addresses() + (serving ? " serving" : "") + " clients=" + clients.size() + ">";
    }

    // ---- accepting --------------------------------------------------------------------------

    /** One listening socket: asyncio's _accept_connection on readiness. */
    private final class Listener implements IoHandler {
        final ServerSocketChannel sock;
        SelectionKey key;
        /** The timer that resumes accepting after a back-off, or null. */
        private TimerHandle retry;

        Listener(ServerSocketChannel sock) {
            this.sock = sock;
        }

        @Override
        public void ready(SelectionKey k) {
            if (!k.isValid() || listeners == null) {
                return;
            }
            for (int i = 0; i < options.backlog(); i++) {
                SocketChannel ch;
                try {
                    ch = sock.accept();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // asyncio: out of file descriptors or memory; stop accepting for a while.
                    // Backing off comes first: if the report fails too, the loop must still
                    // not spin on a listening socket that stays readable.
                    backOff();
                    try {
                        loop.callExceptionHandler(ExceptionContext.builder("socket.accept() out of system resource")
                                .exception(e).put("socket", sock).build());
                    } catch (Throwable t) {
                        Faults.unreported(e, t);
                    }
                    return;
                }
                if (ch == null) {
                    return;
                }
                Consumer<SocketChannel> h = handoff;
                if (h == null) {
                    acceptConnection(ch);
                } else {
                    handOff(h, ch);
                }
            }
        }

        /**
         * Stops accepting for {@link #ACCEPT_RETRY_DELAY} seconds, then accepts again if the
         * server still serves; the connections waiting meanwhile stay in the backlog.
         */
        private void backOff() {
            // The timer first: if it cannot be made (out of memory), accepting stays on rather
            // than off for good.
            if (retry == null) {
                retry = io.callLaterInternal(ACCEPT_RETRY_DELAY, () -> {
                    retry = null;
                    SelectionKey now = key;
                    if (serving && listeners != null && now != null && now.isValid()) {
                        now.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
            }
            SelectionKey k = key;
            if (k != null && k.isValid()) {
                k.interestOps(0);
            }
        }

        /** {@link #ready} threw: back off as after an accept() error; the loop reports it. */
        @Override
        public void failed(Throwable error) {
            backOff();
        }

        @Override
        public void loopClosing() {
            Connector.closeQuietly(sock);
        }

        @Override
        public String toString() {
            return "<Listener " + sock + ">";
        }
    }

    private void handOff(Consumer<SocketChannel> h, SocketChannel ch) {
        try {
            h.accept(ch);
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            report(t, null);
        }
    }

    private void acceptConnection(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            // By the channel, not by this server: an adopting server may get Unix channels too.
            if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            Connector.closeQuietly(ch);
            SelectorTransport.LOG.log(Level.DEBUG, "error setting up an accepted connection", e);
            return;
        }
        BaseProtocol protocol;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            report(t, null);
            return;
        }
        TlsOptions tls = options.tls();
        try {
            if (tls == null) {
                new SocketTransport(io, ch, protocol, null, this);
            } else {
                SSLEngine engine = SslEngines.create(tls, false, null, 0);
                Future<Void> waiter = loop.createFuture();
                SslProtocol ssl = new SslProtocol(io, protocol, engine, waiter, true, tls, true);
                new SocketTransport(io, ch, ssl, null, this);
                waiter.addDoneCallback(f -> {
                    Throwable e = f.cancelled() ? null : f.exception();
                    if (e != null && io.debug()) {
                        loop.callExceptionHandler(ExceptionContext.builder(
                                "Error on transport creation for incoming connection").exception(e)
                                .put("protocol", protocol).build());
                    }
                });
            }
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            report(t, protocol);
        }
    }

    /** Reports a connection that could not be set up; it is closed already. */
    private void report(Throwable t, BaseProtocol protocol) {
        try {
            loop.callExceptionHandler(ExceptionContext.builder("Error on transport creation for incoming connection")
                    .exception(t).put("protocol", protocol).build());
        } catch (Throwable t2) {
            Faults.unreported(t, t2);
        }
    }
}
