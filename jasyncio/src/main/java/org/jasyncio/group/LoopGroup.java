package org.jasyncio.group;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.VoidCoroutine;
import org.jasyncio.internal.group.GroupLoop;
import org.jasyncio.internal.group.GroupServer;
import org.jasyncio.internal.group.Joins;
import org.jasyncio.streams.ClientConnectedCallback;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamReaderProtocol;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;

/**
 * N event loops, each on its own platform thread, sharing servers and work: Netty's
 * {@code EventLoopGroup} for jasyncio. asyncio has no counterpart (its answer to many cores is
 * a process per core); each loop keeps asyncio's promise inside it: a task, and everything of
 * a connection, stays on one loop, so two awaits of one task never race.
 *
 * <pre>{@code
 * try (LoopGroup group = new LoopGroup()) {            // one loop per core
 *     Server server = group.startServer(MyServer::serveClient, "127.0.0.1", 8888);
 *     group.submit(() -> { server.serveForever(); return null; }).join();
 * }                                                    // shutdown(10 s): drain, close
 * }</pre>
 *
 * <ul>
 * <li>{@link #submit} runs a coroutine on the next loop (round robin) and returns a
 *     {@link CompletableFuture}; {@link #next()} and {@link #loops()} give the loops
 *     themselves, for {@link Asyncio#runCoroutineThreadsafe} or {@code callSoonThreadsafe}.</li>
 * <li>{@link #createServer} and {@link #startServer} listen on every loop at once
 *     ({@link Balancing}); the returned {@link Server} may be used from any thread or task.</li>
 * <li>Crossing loops: a future of one loop is awaited from another through
 *     {@link CrossLoop#await}; a {@link ThreadsafeQueue} carries items between loops and
 *     threads. Loop-bound primitives (futures, locks, queues, streams) used directly from
 *     another loop raise {@link IllegalStateException}, as in asyncio.</li>
 * <li>{@link #shutdown(double)} stops accepting, cancels every loop's tasks and waits for
 *     them, closes the servers' connections gracefully, and closes the loops.</li>
 * </ul>
 *
 * <p>The group owns its loops: do not {@code stop()}, {@code close()} or {@code runForever()}
 * them yourself (a stopped loop closes with its tasks still pending). Each loop runs one
 * housekeeping task of the group ({@code LoopGroup-main-i}), which {@link Asyncio#allTasks}
 * lists and {@link #statistics()} leaves out.
 *
 * <p>Thread-safe: every method may be called from any thread; the waiting ones
 * ({@link #createServer}, {@link #startServer}, {@link #statistics()}, {@link #shutdown})
 * await from a task (of any loop) and block on a plain thread, and refuse a loop callback,
 * which they would freeze.
 *
 * @since 0.1
 */
public final class LoopGroup implements AutoCloseable {
    /** What {@link #close()} gives the tasks and connections to finish, in seconds. */
    public static final double DEFAULT_SHUTDOWN_TIMEOUT = 10.0;
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final List<GroupLoop> members;
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean shutdown = new AtomicBoolean();
    private final Set<GroupServer> servers = ConcurrentHashMap.newKeySet();

    /**
     * Starts one loop per available processor ({@link Runtime#availableProcessors()}).
     *
     * @throws IllegalStateException if the JVM cannot make event loops (the message names the
     *         missing {@code --add-opens} flag)
     */
    public LoopGroup() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts {@code nLoops} loops, each running on a new platform thread named
     * {@code jasyncio-loop-G-I} (group number, loop index). The threads are not daemons: close
     * the group, or the JVM does not exit.
     *
     * @param nLoops how many loops, at least 1
     * @throws IllegalArgumentException if {@code nLoops < 1}
     * @throws IllegalStateException if the JVM cannot make event loops (the message names the
     *         missing {@code --add-opens} flag)
     */
    public LoopGroup(int nLoops) {
        if (nLoops < 1) {
            throw new IllegalArgumentException("a loop group needs at least 1 loop, got " + nLoops);
        }
        int g = GROUPS.incrementAndGet();
        List<GroupLoop> ms = new ArrayList<>(nLoops);
        try {
            for (int i = 0; i < nLoops; i++) {
                ms.add(new GroupLoop(i, "jasyncio-loop-" + g + "-" + i));
            }
        } catch (RuntimeException | Error e) {
            for (GroupLoop m : ms) {
                m.loop().close();
            }
            throw e;
        }
        members = List.copyOf(ms);
        loops = members.stream().map(GroupLoop::loop).toList();
        int started = 0;
        try {
            for (GroupLoop m : members) {
                m.start();
                started++;
            }
        } catch (RuntimeException | Error e) {
            // No thread for this loop (out of native threads): undo what was made.
            shutdown.set(true);
            for (int i = 0; i < members.size(); i++) {
                if (i < started) {
                    members.get(i).stop(System.nanoTime());
                } else {
                    members.get(i).loop().close();
                }
            }
            throw e;
        }
    }

    /**
     * Returns the next loop, round robin: the loop {@link #submit} would use.
     *
     * @return a loop of the group (possibly closed after {@link #shutdown})
     */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Returns the group's loops, in order; loop {@code i} runs on thread
     * {@code jasyncio-loop-G-i}.
     *
     * @return an unmodifiable list
     */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * Returns how many loops the group has.
     *
     * @return the count, at least 1
     */
    public int size() {
        return loops.size();
    }

    /**
     * Runs {@code coro} in a new task on the next loop (round robin) and returns a future for
     * its result; {@link Asyncio#runCoroutineThreadsafe} on {@link #next()}. Cancelling the
     * CompletableFuture cancels the task.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return a future completed when the task is done (cancelled with it)
     * @throws IllegalStateException if the group is shut down
     */
    public <T> CompletableFuture<T> submit(Coroutine<T> coro) {
        Objects.requireNonNull(coro, "coro");
        checkOpen("submit()");
        return Asyncio.runCoroutineThreadsafe(coro, next());
    }

    /**
     * Runs {@code coro}, which returns nothing, in a new task on the next loop.
     *
     * @param coro the coroutine; not {@code null}
     * @return a future completed with {@code null} when the task is done
     * @throws IllegalStateException if the group is shut down
     */
    public CompletableFuture<Void> submit(VoidCoroutine coro) {
        Objects.requireNonNull(coro, "coro");
        return submit(Coroutine.of(coro));
    }

    /**
     * Samples every loop on its own thread, through its inbox; loop {@code i}'s sample is at
     * index {@code i}. A closed loop answers {@code running=false} at once.
     *
     * @return one sample per loop
     * @throws IllegalStateException if called from a callback on a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public List<GroupLoopStatistics> statistics() {
        List<CompletableFuture<GroupLoopStatistics>> all = members.stream().map(GroupLoop::sample).toList();
        Joins.joinUnchecked(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), "LoopGroup.statistics()");
        return all.stream().map(CompletableFuture::join).toList();
    }

    // ---- servers ----------------------------------------------------------------------------

    /**
     * Starts a TCP server on every loop; asyncio's {@code create_server(protocol_factory, host,
     * port)} spread over the group ({@link Balancing#AUTO}, default {@link ServerOptions}).
     *
     * @param protocolFactory makes one protocol per connection; called on the connection's
     *        loop thread, so concurrently from several loops: it must be thread-safe
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose one port, shared by every loop
     * @return the server, accepting; usable from any thread or task
     * @throws IOException if binding fails (the message names the address); nothing stays open
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port)
            throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.defaults(), Balancing.AUTO);
    }

    /**
     * Starts a TCP server on every loop, with options and a way to balance; asyncio's
     * {@code create_server} spread over the group. TLS ({@link ServerOptions#withSsl}) runs on
     * each connection's own loop.
     *
     * @param protocolFactory makes one protocol per connection, on the connection's loop
     *        thread; must be thread-safe
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose one port, shared by every loop
     * @param options the server options; its {@code reusePort} is ignored, {@code balancing}
     *        decides; not {@code null}
     * @param balancing how connections are spread; not {@code null}
     * @return the server; usable from any thread or task
     * @throws IOException if binding fails (the message names the address); nothing stays open
     * @throws UnsupportedOperationException if {@link Balancing#REUSE_PORT} is asked for and the
     *         platform lacks {@code SO_REUSEPORT}
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            ServerOptions options, Balancing balancing) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(balancing, "balancing");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        boolean reusePort = switch (balancing) {
            case AUTO -> reusePortSupported();
            case REUSE_PORT -> {
                if (!reusePortSupported()) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform;"
                            + " use Balancing.ACCEPTOR or AUTO");
                }
                yield true;
            }
            case ACCEPTOR -> false;
        };
        List<String> hosts = host == null ? null : List.of(host);
        return register(() -> GroupServer.create(members, protocolFactory, hosts, port, options, reusePort,
                this::forget), "createServer()");
    }

    @FunctionalInterface
    private interface ServerMaker {
        GroupServer make() throws Exception;
    }

    /** Makes a server and keeps it for the shutdown to close. */
    private Server register(ServerMaker maker, String what) throws IOException {
        checkOpen(what);
        Joins.checkMayWait("LoopGroup." + what);
        GroupServer server;
        try {
            server = maker.make();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("LoopGroup." + what + " failed: " + e, e);
        }
        servers.add(server);
        if (shutdown.get()) {
            // shut down meanwhile: the shutdown may not have seen this server
            server.close();
            throw new IllegalStateException("the loop group was shut down while the server was being created");
        }
        return server;
    }

    private void forget(GroupServer s) {
        servers.remove(s);
    }

    /**
     * Starts a streams server on every loop: {@code callback} runs in a new task on the
     * connection's loop for each client; asyncio's {@code start_server(client_connected_cb,
     * host, port)} spread over the group.
     *
     * @param callback serves one client; not {@code null}; called on several loops at once
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose one port, shared by every loop
     * @return the server, accepting; usable from any thread or task
     * @throws IOException if binding fails (the message names the address); nothing stays open
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server startServer(ClientConnectedCallback callback, String host, int port) throws IOException {
        return startServer(callback, host, port, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT, Balancing.AUTO);
    }

    /**
     * Starts a streams server on every loop with options, a reader limit and a way to
     * balance; asyncio's {@code start_server(..., limit=...)} spread over the group.
     *
     * @param callback serves one client; not {@code null}; called on several loops at once
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose one port, shared by every loop
     * @param options the server options (TLS, backlog); not {@code null}
     * @param limit each reader's limit, in bytes
     * @param balancing how connections are spread; not {@code null}
     * @return the server; usable from any thread or task
     * @throws IOException if binding fails (the message names the address); nothing stays open
     * @throws IllegalArgumentException if {@code limit <= 0} or the port is out of range
     * @throws UnsupportedOperationException if {@link Balancing#REUSE_PORT} is asked for and the
     *         platform lacks {@code SO_REUSEPORT}
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server startServer(ClientConnectedCallback callback, String host, int port, ServerOptions options,
            int limit, Balancing balancing) throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit); // validates the limit now rather than at the first client
        return createServer(() -> new StreamReaderProtocol(new StreamReader(limit), callback), host, port, options,
                balancing);
    }

    /**
     * Starts a Unix domain socket server over every loop; asyncio's
     * {@code create_unix_server(protocol_factory, path)} spread over the group. The first
     * loop accepts and hands each connection, round robin, to the next loop
     * ({@link Balancing#ACCEPTOR}: a socket file cannot be shared as a port can).
     *
     * @param protocolFactory makes one protocol per connection, on the connection's loop
     *        thread; must be thread-safe
     * @param path the socket file; a stale socket file there is replaced, as in asyncio
     * @param options the server options; not {@code null}
     * @return the server; usable from any thread or task
     * @throws IOException if binding fails, or a file that is not a socket is in the way
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        return register(() -> GroupServer.createUnix(members, protocolFactory, path, options, this::forget),
                "createUnixServer()");
    }

    /**
     * Starts a streams server on a Unix domain socket over every loop; asyncio's
     * {@code start_unix_server(client_connected_cb, path)} spread over the group.
     *
     * @param callback serves one client; not {@code null}; called on several loops at once
     * @param path the socket file
     * @param options the server options; not {@code null}
     * @param limit each reader's limit, in bytes
     * @return the server; usable from any thread or task
     * @throws IOException if binding fails, or a file that is not a socket is in the way
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException if the group is shut down, or if called from a callback on
     *         a loop thread
     * @throws CancelledError if the calling task is cancelled
     */
    public Server startUnixServer(ClientConnectedCallback callback, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit);
        return createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit), callback), path, options);
    }

    /**
     * Tells whether this platform lets several sockets listen on one port
     * ({@code SO_REUSEPORT}), which {@link Balancing#AUTO} then uses.
     *
     * @return whether {@code SO_REUSEPORT} is supported
     */
    public static boolean reusePortSupported() {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            return s.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------

    /**
     * Shuts the group down and waits for it, at most {@code timeout} seconds: the servers stop
     * listening; on every loop, every task is cancelled and awaited, then the servers'
     * connections are closed gracefully (what they buffered is sent) and awaited; at the
     * deadline the tasks still running are reported to the loop's exception handler and left
     * behind, the connections still open are aborted; then each loop closes (releasing every
     * descriptor it holds) and its thread ends. Idempotent: a second call only waits.
     *
     * <p>Called from a task of the group's own loops, it starts the shutdown and returns
     * {@code false} at once (a loop cannot wait for its own end; the calling task is
     * cancelled with the others).
     *
     * @param timeout seconds for the whole shutdown; zero or negative means "no grace",
     *        {@link Double#POSITIVE_INFINITY} no limit
     * @return {@code true} if every task and connection ended in time and every thread ended
     * @throws IllegalArgumentException if {@code timeout} is NaN
     * @throws IllegalStateException if called from a callback on a loop thread of another loop
     */
    public boolean shutdown(double timeout) {
        if (Double.isNaN(timeout)) {
            throw new IllegalArgumentException("timeout is NaN");
        }
        long now = System.nanoTime();
        long deadline = timeout >= Long.MAX_VALUE / 2e9 ? now + Long.MAX_VALUE / 2
                : now + (long) (Math.max(0, timeout) * 1e9);
        EventLoop here = Joins.runningLoop();
        boolean inGroup = here != null && loops.contains(here);
        if (shutdown.compareAndSet(false, true)) {
            List<CompletableFuture<Void>> closes = new ArrayList<>();
            for (GroupServer s : List.copyOf(servers)) {
                closes.add(s.closeAsync());
            }
            if (here == null || Asyncio.currentTask() != null) {
                // Every listener stops before any loop drains, so no handed-over connection
                // reaches a loop that has already closed its connections.
                waitQuietly(CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)), deadline);
            }
            for (GroupLoop m : members) {
                m.stop(deadline);
            }
        }
        if (inGroup) {
            return false;
        }
        Joins.checkMayWait("LoopGroup.shutdown()");
        boolean inTime = true;
        for (GroupLoop m : members) {
            Boolean r = waitQuietly(m.terminated(), deadline);
            inTime &= Boolean.TRUE.equals(r);
        }
        if (here == null) {
            for (GroupLoop m : members) {
                long left = deadline - System.nanoTime();
                try {
                    if (left > 0) {
                        m.thread().join(Duration.ofNanos(left));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                inTime &= !m.thread().isAlive();
            }
        }
        return inTime;
    }

    /**
     * Shuts the group down as {@link #shutdown(double)}, with a {@link Duration}.
     *
     * @param timeout the time for the whole shutdown; not {@code null}
     * @return {@code true} if every task and connection ended in time and every thread ended
     * @throws IllegalStateException if called from a callback on a loop thread of another loop
     */
    public boolean shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return shutdown(timeout.toNanos() / 1e9);
    }

    /**
     * Tells whether {@link #shutdown} was called.
     *
     * @return {@code true} once shutdown has started
     */
    public boolean isShutdown() {
        return shutdown.get();
    }

    /**
     * Tells whether every loop is closed and every loop thread has ended.
     *
     * @return {@code true} once the group is fully shut down
     */
    public boolean isTerminated() {
        for (GroupLoop m : members) {
            if (!m.terminated().isDone() || m.thread().isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Shuts the group down with {@link #DEFAULT_SHUTDOWN_TIMEOUT}; for try-with-resources.
     *
     * @throws IllegalStateException if called from a callback on a loop thread of another loop
     */
    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }

    private void checkOpen(String what) {
        if (shutdown.get()) {
            throw new IllegalStateException(what + ": the loop group is shut down");
        }
    }

    /** Waits for {@code cf} until {@code deadline}; null if it did not complete by then. */
    private static <T> T waitQuietly(CompletableFuture<T> cf, long deadline) {
        long left = deadline - System.nanoTime();
        try {
            if (Joins.runningLoop() != null) {
                return Joins.join(cf.copy().completeOnTimeout(null, Math.max(0, left), TimeUnit.NANOSECONDS),
                        "LoopGroup.shutdown()");
            }
            return cf.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "<LoopGroup loops=" + loops.size() + (shutdown.get() ? " shut down" : "") + ">";
    }
}
