package org.jasyncio.internal.group;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.net.SocketServer;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;

/**
 * One server over every loop of a group: asyncio's {@code Server} semantics (close,
 * waitClosed, closeClients, serveForever) applied to one {@link SocketServer} per loop.
 *
 * <p>Two ways to spread the connections. With {@code SO_REUSEPORT} every loop listens on
 * the same port with a socket of its own and the kernel spreads the connections (Linux hashes
 * the 4-tuple). Otherwise loop 0 alone listens and hands each accepted channel, round robin,
 * to a listener-less server on the next loop, through that loop's inbox. Either way a
 * connection lives on one loop for its whole life.
 *
 * <p>Thread-safe: every method may be called from any thread or task; the parts are only ever
 * touched on their own loops' threads.
 */
public final class GroupServer implements Server {
    /** One loop's share: the server that owns its connections there. */
    private record Part(GroupLoop member, SocketServer server) {}

    private final List<Part> parts;
    /** The listening server of the acceptor mode, on loop 0; null with SO_REUSEPORT. */
    private final SocketServer acceptor;
    private final List<SocketServer> listening;
    private final List<NetworkChannel> sockets;
    private final List<SocketAddress> addresses;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean foreverTaken = new AtomicBoolean();
    private final CompletableFuture<Void> closedSignal = new CompletableFuture<>();
    private volatile CompletableFuture<Void> closeDone;
    private volatile boolean serving;
    private final Consumer<GroupServer> onClose;

    private GroupServer(List<Part> parts, SocketServer acceptor, boolean serving, Consumer<GroupServer> onClose) {
        this.parts = List.copyOf(parts);
        this.acceptor = acceptor;
        this.listening = acceptor != null ? List.of(acceptor) : parts.stream().map(Part::server).toList();
        List<NetworkChannel> socks = new ArrayList<>();
        Set<SocketAddress> addrs = new LinkedHashSet<>();
        for (SocketServer s : listening) {
            socks.addAll(s.sockets());
            addrs.addAll(s.addresses());
        }
        this.sockets = List.copyOf(socks);
        this.addresses = List.copyOf(addrs);
        this.serving = serving;
        this.onClose = onClose;
    }

    /**
     * Creates the server on every loop; asyncio's {@code create_server} spread over a group.
     *
     * @param loops the group's loops, at least one
     * @param factory makes one protocol per connection, called on the connection's loop
     *        thread (so concurrently when there are several loops)
     * @param hosts the hosts, or null for all interfaces
     * @param port the port; 0 lets the system choose one, shared by every loop
     * @param options the options; its {@code reusePort} is decided here
     * @param reusePort one listening socket per loop, or one acceptor
     * @param onClose told once, when the server closes
     * @return the server
     * @throws Exception what binding throws (an {@link IOException} naming the address); no
     *         socket is left open then
     */
    public static GroupServer create(List<GroupLoop> loops, Supplier<? extends BaseProtocol> factory,
            List<String> hosts, int port, ServerOptions options, boolean reusePort, Consumer<GroupServer> onClose) throws Exception {
        List<Part> parts = new ArrayList<>();
        SocketServer acceptor = null;
        try {
            if (reusePort) {
                ServerOptions o = options.withReusePort(true);
                SocketServer first = call(loops.get(0), io -> SocketServer.createTcp(io, factory, hosts, port, o));
                parts.add(new Part(loops.get(0), first));
                int shared = sharedPort(first, port);
                for (GroupLoop m : loops.subList(1, loops.size())) {
                    parts.add(new Part(m, call(m, io -> SocketServer.createTcp(io, factory, hosts, shared, o))));
                }
            } else {
                for (GroupLoop m : loops) {
                    parts.add(new Part(m, call(m, io -> SocketServer.adopting(io, factory, options))));
                }
                List<Part> targets = List.copyOf(parts);
                acceptor = call(loops.get(0), io -> {
                    SocketServer s = SocketServer.createTcp(io, factory, hosts, port, options.withStartServing(false));
                    s.handOffTo(new Dispatch(targets));
                    if (options.startServing()) {
                        s.startServing();
                    }
                    return s;
                });
            }
        } catch (Throwable t) {
            for (Part p : parts) {
                onLoop(p.member(), () -> closeQuietly(p.member(), p.server()));
            }
            throw t;
        }
        return new GroupServer(parts, acceptor, options.startServing(), onClose);
    }

    /**
     * Creates a Unix-socket server over every loop: loop 0 listens on {@code path} and hands
     * each connection, round robin, to the next loop (a socket file cannot be shared as
     * {@code SO_REUSEPORT} shares a port).
     *
     * @param loops the group's loops, at least one
     * @param factory makes one protocol per connection, on the connection's loop thread
     * @param path the socket file
     * @param options the options
     * @param onClose told once, when the server closes
     * @return the server
     * @throws Exception what binding throws; no socket is left open then
     */
    public static GroupServer createUnix(List<GroupLoop> loops, Supplier<? extends BaseProtocol> factory,
            Path path, ServerOptions options, Consumer<GroupServer> onClose) throws Exception {
        List<Part> parts = new ArrayList<>();
        SocketServer acceptor;
        try {
            for (GroupLoop m : loops) {
                parts.add(new Part(m, call(m, io -> SocketServer.adopting(io, factory, options))));
            }
            List<Part> targets = List.copyOf(parts);
            acceptor = call(loops.get(0), io -> {
                SocketServer s = SocketServer.createUnix(io, factory, path, options.withStartServing(false));
                s.handOffTo(new Dispatch(targets));
                if (options.startServing()) {
                    s.startServing();
                }
                return s;
            });
        } catch (Throwable t) {
            for (Part p : parts) {
                onLoop(p.member(), () -> closeQuietly(p.member(), p.server()));
            }
            throw t;
        }
        return new GroupServer(parts, acceptor, options.startServing(), onClose);
    }

    /** The port the other loops bind: the one the first loop's sockets got. */
    private static int sharedPort(SocketServer first, int asked) throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        for (SocketAddress a : first.addresses()) {
            ports.add(((InetSocketAddress) a).getPort());
        }
        if (ports.size() != 1) {
            throw new IOException("port " + asked + " gave the host's addresses different ports " + ports
                    + "; a loop group needs one port for all its loops: pass a fixed port");
        }
        return ports.iterator().next();
    }

    /** Makes a server part on {@code m}'s loop, inside a task there, and records it. */
    private static SocketServer call(GroupLoop m, Maker maker) throws Exception {
        Coroutine<SocketServer> c = () -> {
            SocketServer s = maker.make(IoLoop.of(m.loop()));
            m.servers().add(s);
            return s;
        };
        return Joins.join(Asyncio.runCoroutineThreadsafe(c, m.loop()), "LoopGroup.createServer()");
    }

    @FunctionalInterface
    private interface Maker {
        SocketServer make(IoLoop io) throws Exception;
    }

    private static void closeQuietly(GroupLoop m, SocketServer s) {
        s.close();
        m.servers().remove(s);
    }

    /** Runs {@code r} on {@code m}'s loop: at once when already there, else through its inbox. */
    private static CompletableFuture<Void> onLoop(GroupLoop m, Runnable r) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable body = () -> {
            try {
                r.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
                throw t;
            }
        };
        if (Joins.runningLoop() == m.loop()) {
            body.run();
            return done;
        }
        try {
            m.loop().callSoonThreadsafe(body);
        } catch (IllegalStateException loopClosed) {
            done.complete(null); // its close released every socket of the part
        }
        return done;
    }

    /** Hands accepted channels round robin to the parts; on loop 0's thread only. */
    private static final class Dispatch implements Consumer<SocketChannel> {
        private final List<Part> targets;
        private int next;

        Dispatch(List<Part> targets) {
            this.targets = targets;
        }

        @Override
        public void accept(SocketChannel ch) {
            Part p = targets.get(next);
            next = (next + 1) % targets.size();
            EventLoop loop = p.member().loop();
            if (Joins.runningLoop() == loop) {
                p.server().adopt(ch);
                return;
            }
            try {
                loop.callSoonThreadsafe(() -> p.server().adopt(ch));
            } catch (IllegalStateException loopClosed) {
                // the group is going away: nobody is left to serve the connection
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
        }
    }

    // ---- Server -----------------------------------------------------------------------------

    @Override
    public EventLoop getLoop() {
        return parts.get(0).member().loop();
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public void startServing() {
        if (closed.get()) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (SocketServer s : listening) {
            EventLoop loop = s.getLoop();
            all.add(Asyncio.runCoroutineThreadsafe(() -> {
                s.startServing();
                return null;
            }, loop));
        }
        Joins.joinUnchecked(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), "Server.startServing()");
        serving = true;
    }

    @Override
    public void serveForever() {
        if (closed.get()) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        if (!foreverTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        try {
            if (!serving) {
                startServing();
            }
            Joins.joinUnchecked(closedSignal, "Server.serveForever()");
            throw new CancelledError("the server was closed");
        } catch (CancelledError e) {
            try {
                close();
                waitClosed();
            } finally {
                throw e;
            }
        } finally {
            foreverTaken.set(false);
        }
    }

    @Override
    public void close() {
        closeAsync();
    }

    /**
     * Closes the server as {@link #close()} does and returns a future completed once every
     * loop has stopped listening; in the acceptor mode the acceptor closes first, so every
     * channel it handed over reaches its loop before that loop's part closes.
     *
     * @return the future
     */
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            CompletableFuture<Void> d = closeDone;
            return d != null ? d : CompletableFuture.completedFuture(null);
        }
        serving = false;
        CompletableFuture<Void> done;
        if (acceptor != null) {
            GroupLoop first = parts.get(0).member();
            done = onLoop(first, () -> {
                acceptor.close();
                first.forgetWhenClosed(acceptor);
            }).thenCompose(v -> closeParts());
        } else {
            done = closeParts();
        }
        closeDone = done;
        closedSignal.complete(null);
        onClose.accept(this);
        return done;
    }

    private CompletableFuture<Void> closeParts() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Part p : parts) {
            all.add(onLoop(p.member(), () -> {
                p.server().close();
                p.member().forgetWhenClosed(p.server());
            }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public void closeClients() {
        for (Part p : parts) {
            onLoop(p.member(), () -> p.server().closeClients());
        }
    }

    @Override
    public void abortClients() {
        for (Part p : parts) {
            onLoop(p.member(), () -> p.server().abortClients());
        }
    }

    @Override
    public void waitClosed() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Part p : parts) {
            try {
                all.add(Asyncio.runCoroutineThreadsafe(() -> {
                    p.server().waitClosed();
                    return null;
                }, p.member().loop()));
            } catch (IllegalStateException loopClosed) {
                // the loop's close closed every connection of its part
            }
        }
        Joins.joinUnchecked(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), "Server.waitClosed()");
    }

    @Override
    public List<NetworkChannel> sockets() {
        return closed.get() ? List.of() : sockets;
    }

    @Override
    public List<SocketAddress> addresses() {
        return closed.get() ? List.of() : addresses;
    }

    @Override
    public int activeConnections() {
        int n = 0;
        for (Part p : parts) {
            n += p.server().activeConnections();
        }
        return n;
    }

    /**
     * Returns how many loops the server spreads its connections over.
     *
     * @return the number of loops
     */
    public int loopCount() {
        return parts.size();
    }

    /**
     * Tells whether each loop listens on its own {@code SO_REUSEPORT} socket.
     *
     * @return {@code true} with SO_REUSEPORT, {@code false} with one acceptor
     */
    public boolean reusesPort() {
        return acceptor == null;
    }

    @Override
    public String toString() {
        return "<Server sockets=" + addresses() + " loops=" + parts.size()
                + (acceptor == null ? " SO_REUSEPORT" : " acceptor") + (serving ? " serving" : "")
                + " clients=" + activeConnections() + ">";
    }
}
