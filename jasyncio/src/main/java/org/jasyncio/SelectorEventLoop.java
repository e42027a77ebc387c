package org.jasyncio;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoHandler;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.net.Connector;
import org.jasyncio.internal.net.DatagramEndpoints;
import org.jasyncio.internal.net.ExistingSockets;
import org.jasyncio.internal.net.Sendfile;
import org.jasyncio.internal.net.SockOps;
import org.jasyncio.internal.net.SocketServer;
import org.jasyncio.internal.net.unix.UnixDatagramEndpoints;
import org.jasyncio.internal.subprocess.Pipes;
import org.jasyncio.internal.subprocess.Spawner;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Datagram;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramOptions;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.NameInfo;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadPipeConnection;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;
import org.jasyncio.transports.WritePipeConnection;
import org.jasyncio.transports.WriteTransport;

/**
 * The event loop jasyncio gives its users; asyncio's {@code SelectorEventLoop} (epoll on
 * Linux). The scheduler is {@link BaseEventLoop}; the I/O mechanism is its {@link Poller}
 * ({@link NioPoller}, or {@link VirtualTimePoller} for tests); this class adds the network API
 * (which delegates to {@code org.jasyncio.internal.net}), the channel watchers of
 * {@link #addReader}/{@link #addWriter}, and the other services' API.
 *
 * <h2>I/O dispatch</h2>
 * Each selection key's attachment is an {@link IoHandler}. Transports are their own handlers;
 * the poller runs them from the ready queue (see {@link NioPoller}). The readers and writers of
 * {@link #addReader}/{@link #addWriter} are {@link ChannelCallbacks}, which queue their
 * {@link Handle}s on the ready queue, as CPython's {@code _process_events} does.
 */
final class SelectorEventLoop extends BaseEventLoop implements IoLoop {
    private TaskFactory taskFactory = TaskFactory.DEFAULT;
    private ExceptionHandler exceptionHandler;
    /** The readers and writers of addReader/addWriter. */
    private final ChannelWatchers watchers = new ChannelWatchers(this);
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;

    SelectorEventLoop() {
        this(null);
    }

    /** A loop on {@code clock}, or on the real clock when it is null. */
    SelectorEventLoop(VirtualClock clock) {
        super(clock);
    }

    @Override
    void beforePoll() {
        watchers.cancelIdleKeys();
    }

    Selector selector() {
        return poller.nio().selector();
    }

    // =====================================================================================
    // Network: the IoLoop side for org.jasyncio.internal.net, channel watchers,
    // and the EventLoop network methods, which delegate to org.jasyncio.internal.net.
    // =====================================================================================

    /** Size of the shared read and write buffers: asyncio's max_size for one recv(). */
    private static final int IO_BUFFER_SIZE = 256 * 1024;

    @Override
    public EventLoop eventLoop() {
        return this;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException {
        checkClosed();
        try {
            return channel.register(selector(), ops, handler);
        } catch (CancelledKeyException e) {
            // The channel's previous key was cancelled in this iteration: flush it, then retry.
            flushCancelledKeys(channel);
            return channel.register(selector(), ops, handler);
        }
    }

    @Override
    public void releaseClosedChannels() {
        if (poller.nio().inSelect() || !selector().isOpen()) {
            return;
        }
        try {
            // Readiness reported by this run is not lost: the selector is level-triggered, so
            // the loop's next select reports it again.
            selector().selectNow(k -> { });
        } catch (IOException e) {
            // the closed channels are released by the loop's next select instead
        }
    }

    private void flushCancelledKeys(SelectableChannel channel) throws IOException {
        if (poller.nio().inSelect()) {
            throw new IllegalStateException("cannot register " + channel + " again with the loop while its previous "
                    + "registration is being cancelled, from inside an I/O handler; retry on the next iteration "
                    + "(loop.callSoon)");
        }
        selector().selectNow(k -> { });
    }

    @Override
    public ByteBuffer readBuffer() {
        ByteBuffer b = readBuffer;
        if (b == null) {
            readBuffer = b = ByteBuffer.allocateDirect(IO_BUFFER_SIZE);
        }
        return b.clear();
    }

    @Override
    public ByteBuffer writeBuffer() {
        ByteBuffer b = writeBuffer;
        if (b == null) {
            writeBuffer = b = ByteBuffer.allocateDirect(IO_BUFFER_SIZE);
        }
        return b.clear();
    }

    @Override
    public void callSoonInternal(Runnable callback) {
        checkClosed();
        callSoon0(new Handle(this, callback, null));
    }

    @Override
    public TimerHandle callLaterInternal(double delaySeconds, Runnable callback) {
        Seconds.checkSeconds(delaySeconds, "delay");
        return callLaterInternal(Seconds.secondsToNanos(delaySeconds), callback);
    }

    @Override
    public boolean debug() {
        return debug;
    }

    @Override
    public void checkLoopThread(String what) {
        checkThread(what);
    }

    /** Rejects a suspending network call made outside a task of this loop. */
    private void checkInTask(String what) {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask(what);
        }
        if (t.loop != this) {
            throw new IllegalStateException(what + " was called from a task of another event loop");
        }
    }

    // ---- channel watchers (add_reader and friends) ------------------------------------

    @Override
    public void addReader(SelectableChannel channel, Runnable callback) {
        watchers.addReader(channel, callback);
    }

    @Override
    public void addWriter(SelectableChannel channel, Runnable callback) {
        watchers.addWriter(channel, callback);
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        return watchers.removeReader(channel);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        return watchers.removeWriter(channel);
    }

    // ---- socket operations --------------------------------------------------------------

    @Override
    public void sockConnect(SocketChannel sock, SocketAddress address) throws IOException {
        checkInTask("sockConnect()");
        SockOps.connect(this, sock, address);
    }

    @Override
    public SocketChannel sockAccept(ServerSocketChannel sock) throws IOException {
        checkInTask("sockAccept()");
        return SockOps.accept(this, sock);
    }

    @Override
    public byte[] sockRecv(SocketChannel sock, int nbytes) throws IOException {
        checkInTask("sockRecv()");
        return SockOps.recv(this, sock, nbytes);
    }

    @Override
    public int sockRecvInto(SocketChannel sock, ByteBuffer buffer) throws IOException {
        checkInTask("sockRecvInto()");
        return SockOps.recvInto(this, sock, buffer);
    }

    @Override
    public void sockSendall(SocketChannel sock, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        sockSendall(sock, ByteBuffer.wrap(data));
    }

    @Override
    public void sockSendall(SocketChannel sock, ByteBuffer data) throws IOException {
        checkInTask("sockSendall()");
        SockOps.sendall(this, sock, data);
    }

    @Override
    public Datagram sockRecvfrom(DatagramChannel sock, int bufsize) throws IOException {
        checkInTask("sockRecvfrom()");
        return SockOps.recvfrom(this, sock, bufsize);
    }

    @Override
    public int sockSendto(DatagramChannel sock, byte[] data, SocketAddress address) throws IOException {
        checkInTask("sockSendto()");
        return SockOps.sendto(this, sock, data, address);
    }

    @Override
    public long sockSendfile(SocketChannel sock, FileChannel file) throws IOException {
        return sockSendfile(sock, file, 0, null, true);
    }

    @Override
    public long sockSendfile(SocketChannel sock, FileChannel file, long offset, Long count, boolean fallback)
            throws IOException {
        checkInTask("sockSendfile()");
        return Sendfile.sockSendfile(this, sock, file, offset, count, fallback);
    }

    @Override
    public List<InetSocketAddress> getaddrinfo(String host, int port) throws UnknownHostException {
        checkInTask("getaddrinfo()");
        return SockOps.getaddrinfo(this, host, port);
    }

    @Override
    public NameInfo getnameinfo(InetSocketAddress address) {
        checkInTask("getnameinfo()");
        return SockOps.getnameinfo(this, address);
    }

    // ---- connections and servers ---------------------------------------------------------

    @Override
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<? extends P> protocolFactory, String host,
            int port) throws IOException {
        return createConnection(protocolFactory, host, port, ConnectionOptions.defaults());
    }

    @Override
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<? extends P> protocolFactory, String host,
            int port, ConnectionOptions options) throws IOException {
        checkInTask("createConnection()");
        return Connector.createConnection(this, protocolFactory, host, port, options);
    }

    @Override
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<? extends P> protocolFactory,
            SocketAddress address, ConnectionOptions options) throws IOException {
        checkInTask("createConnection()");
        return Connector.createConnection(this, protocolFactory, address, options);
    }

    @Override
    public <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<? extends P> protocolFactory, Path path)
            throws IOException {
        return createUnixConnection(protocolFactory, path, ConnectionOptions.defaults());
    }

    @Override
    public <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<? extends P> protocolFactory, Path path,
            ConnectionOptions options) throws IOException {
        checkInTask("createUnixConnection()");
        return Connector.createUnixConnection(this, protocolFactory, path, options);
    }

    @Override
    public Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls, boolean serverSide)
            throws IOException {
        checkInTask("startTls()");
        return Connector.startTls(this, transport, protocol, tls, serverSide);
    }

    @Override
    public long sendfile(WriteTransport transport, FileChannel file) throws IOException {
        return sendfile(transport, file, 0, null, true);
    }

    @Override
    public long sendfile(WriteTransport transport, Path path) throws IOException {
        checkInTask("sendfile()");
        if (!Files.isRegularFile(Objects.requireNonNull(path, "path")) && Files.exists(path)) {
            throw new IllegalArgumentException("not a regular file: " + path);
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            return sendfile(transport, file, 0, null, true);
        }
    }

    @Override
    public long sendfile(WriteTransport transport, FileChannel file, long offset, Long count, boolean fallback)
            throws IOException {
        checkInTask("sendfile()");
        return Sendfile.sendfile(this, transport, file, offset, count, fallback);
    }

    @Override
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port)
            throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.defaults());
    }

    @Override
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            ServerOptions options) throws IOException {
        checkInTask("createServer()");
        return SocketServer.createTcp(this, protocolFactory, host == null ? null : List.of(host), port, options);
    }

    @Override
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, List<String> hosts, int port,
            ServerOptions options) throws IOException {
        checkInTask("createServer()");
        Objects.requireNonNull(hosts, "hosts");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts must not be empty");
        }
        return SocketServer.createTcp(this, protocolFactory, hosts, port, options);
    }

    @Override
    public Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, ServerOptions.defaults());
    }

    @Override
    public Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path, ServerOptions options)
            throws IOException {
        checkInTask("createUnixServer()");
        return SocketServer.createUnix(this, protocolFactory, path, options);
    }

    @Override
    public <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<? extends P> protocolFactory,
            InetSocketAddress localAddress, InetSocketAddress remoteAddress) throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddress, remoteAddress, DatagramOptions.defaults());
    }

    @Override
    public <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<? extends P> protocolFactory,
            InetSocketAddress localAddress, InetSocketAddress remoteAddress, DatagramOptions options)
            throws IOException {
        checkInTask("createDatagramEndpoint()");
        return DatagramEndpoints.create(this, protocolFactory, localAddress, remoteAddress, options);
    }

    // ---- over channels the caller made (asyncio's sock=) ---------------------------------

    @Override
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<? extends P> protocolFactory,
            SocketChannel sock, ConnectionOptions options) throws IOException {
        checkInTask("createConnection()");
        return ExistingSockets.createConnection(this, protocolFactory, sock, options, false);
    }

    @Override
    public <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<? extends P> protocolFactory,
            SocketChannel sock, ConnectionOptions options) throws IOException {
        checkInTask("createUnixConnection()");
        return ExistingSockets.createConnection(this, protocolFactory, sock, options, true);
    }

    @Override
    public <P extends BaseProtocol> Connection<P> connectAcceptedSocket(Supplier<? extends P> protocolFactory,
            SocketChannel sock) throws IOException {
        return connectAcceptedSocket(protocolFactory, sock, null);
    }

    @Override
    public <P extends BaseProtocol> Connection<P> connectAcceptedSocket(Supplier<? extends P> protocolFactory,
            SocketChannel sock, TlsOptions tls) throws IOException {
        checkInTask("connectAcceptedSocket()");
        return ExistingSockets.connectAccepted(this, protocolFactory, sock, tls);
    }

    @Override
    public Server createServer(Supplier<? extends BaseProtocol> protocolFactory, ServerSocketChannel sock,
            ServerOptions options) throws IOException {
        checkInTask("createServer()");
        return ExistingSockets.createServer(this, protocolFactory, sock, options, false);
    }

    @Override
    public Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, ServerSocketChannel sock,
            ServerOptions options) throws IOException {
        checkInTask("createUnixServer()");
        return ExistingSockets.createServer(this, protocolFactory, sock, options, true);
    }

    @Override
    public <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<? extends P> protocolFactory,
            DatagramChannel sock, DatagramOptions options) throws IOException {
        checkInTask("createDatagramEndpoint()");
        return ExistingSockets.createDatagramEndpoint(this, protocolFactory, sock, options);
    }

    @Override
    public <P extends DatagramProtocol> DatagramEndpoint<P> createUnixDatagramEndpoint(
            Supplier<? extends P> protocolFactory, Path localPath, Path remotePath) throws IOException {
        checkInTask("createUnixDatagramEndpoint()");
        return UnixDatagramEndpoints.create(this, protocolFactory, localPath, remotePath);
    }

    // =====================================================================================
    // Futures and tasks
    // =====================================================================================

    @Override
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    @Override
    public Task<Void> createTask(VoidCoroutine coro) {
        return createTask(Coroutine.of(coro), null, null);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coro");
        checkClosed();
        checkThread("createTask()");
        Task<T> t = taskFactory.createTask(this, coro, name, context);
        if (t == null || t.loop != this) {
            throw new IllegalStateException("task factory " + taskFactory + " returned " + t
                    + " instead of a task of this loop");
        }
        if (name != null) {
            t.setName(name); // as asyncio 3.13, even when the factory ignored the name
        }
        return t;
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context, boolean eagerStart) {
        Objects.requireNonNull(coro, "coro");
        checkClosed();
        checkThread("createTask()");
        Task<T> t = new Task<>(this, coro, name, context);
        t.start(eagerStart && owner != null);
        return t;
    }

    @Override
    public void setTaskFactory(TaskFactory factory) {
        checkThread("setTaskFactory()");
        this.taskFactory = factory == null ? TaskFactory.DEFAULT : factory;
    }

    @Override
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    // =====================================================================================
    // Services: executor, signals
    // =====================================================================================

    @Override
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        checkClosed();
        checkThread("runInExecutor()");
        return this.executor.run(executor, fn);
    }

    @Override
    public void setDefaultExecutor(ExecutorService executor) {
        checkThread("setDefaultExecutor()");
        this.executor.setDefault(executor);
    }

    @Override
    public void shutdownDefaultExecutor() {
        shutdownDefaultExecutor(Double.POSITIVE_INFINITY);
    }

    @Override
    public void shutdownDefaultExecutor(double timeout) {
        executor.shutdownDefault(timeout);
    }

    @Override
    public void addSignalHandler(Signal sig, Runnable callback) {
        Objects.requireNonNull(sig, "sig");
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("addSignalHandler()");
        signals.add(sig, callback);
    }

    @Override
    public boolean removeSignalHandler(Signal sig) {
        Objects.requireNonNull(sig, "sig");
        checkThread("removeSignalHandler()");
        return signals.remove(sig);
    }

    // =====================================================================================
    // Pipes: org.jasyncio.internal.subprocess
    // =====================================================================================

    @Override
    public <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            ReadableByteChannel pipe) throws IOException {
        checkInTask("connectReadPipe()");
        return Pipes.connectRead(this, protocolFactory, pipe);
    }

    @Override
    public <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            InputStream pipe) throws IOException {
        checkInTask("connectReadPipe()");
        return Pipes.connectRead(this, protocolFactory, pipe);
    }

    @Override
    public <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            FileDescriptor pipe) throws IOException {
        checkInTask("connectReadPipe()");
        return Pipes.connectRead(this, protocolFactory, pipe);
    }

    @Override
    public <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            Path fifo) throws IOException {
        checkInTask("connectReadPipe()");
        return Pipes.connectRead(this, protocolFactory, fifo);
    }

    @Override
    public <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            WritableByteChannel pipe) throws IOException {
        checkInTask("connectWritePipe()");
        return Pipes.connectWrite(this, protocolFactory, pipe);
    }

    @Override
    public <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            OutputStream pipe) throws IOException {
        checkInTask("connectWritePipe()");
        return Pipes.connectWrite(this, protocolFactory, pipe);
    }

    @Override
    public <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            FileDescriptor pipe) throws IOException {
        checkInTask("connectWritePipe()");
        return Pipes.connectWrite(this, protocolFactory, pipe);
    }

    @Override
    public <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            Path fifo) throws IOException {
        checkInTask("connectWritePipe()");
        return Pipes.connectWrite(this, protocolFactory, fifo);
    }

    // =====================================================================================
    // Subprocesses: org.jasyncio.internal.subprocess
    // =====================================================================================

    @Override
    public <P extends SubprocessProtocol> SubprocessConnection<P>
            subprocessExec(Supplier<? extends P> protocolFactory, List<String> command)
            throws IOException {
        return subprocessExec(protocolFactory, command, SubprocessOptions.pipes());
    }

    @Override
    public <P extends SubprocessProtocol> SubprocessConnection<P>
            subprocessExec(Supplier<? extends P> protocolFactory, List<String> command,
                    SubprocessOptions options) throws IOException {
        checkInTask("subprocessExec()");
        return Spawner.exec(this, protocolFactory, command, options);
    }

    @Override
    public <P extends SubprocessProtocol> SubprocessConnection<P>
            subprocessShell(Supplier<? extends P> protocolFactory, String cmd)
            throws IOException {
        return subprocessShell(protocolFactory, cmd, SubprocessOptions.pipes());
    }

    @Override
    public <P extends SubprocessProtocol> SubprocessConnection<P>
            subprocessShell(Supplier<? extends P> protocolFactory, String cmd,
                    SubprocessOptions options) throws IOException {
        checkInTask("subprocessShell()");
        return Spawner.shell(this, protocolFactory, cmd, options);
    }

    // =====================================================================================
    // Debug and errors
    // =====================================================================================

    @Override
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    @Override
    public boolean getDebug() {
        return debug;
    }

    @Override
    public double getSlowCallbackDuration() {
        return slowCallbackNanos / 1e9;
    }

    @Override
    public void setSlowCallbackDuration(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new IllegalArgumentException("slow callback duration must be a number of seconds >= 0, got " + seconds);
        }
        this.slowCallbackNanos = Seconds.secondsToNanos(seconds);
    }

    @Override
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    @Override
    public void callExceptionHandler(ExceptionContext context) {
        Objects.requireNonNull(context, "context");
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            try {
                defaultExceptionHandler(context);
            } catch (Throwable t) {
                try {
                    Debug.LOG.log(Level.ERROR, "Exception in default exception handler", t);
                } catch (Throwable t2) {
                    Faults.unreported(context.exception(), t2);
                }
            }
            return;
        }
        try {
            h.handle(this, context);
        } catch (Throwable t) {
            try {
                defaultExceptionHandler(ExceptionContext.builder("Unhandled error in exception handler")
                        .exception(t).put("context", context.asMap()).build());
            } catch (Throwable t2) {
                try {
                    Debug.LOG.log(Level.ERROR, "Exception in default exception handler while handling an "
                            + "unexpected error in custom exception handler", t2);
                } catch (Throwable t3) {
                    Faults.unreported(context.exception() != null ? context.exception() : t, t3);
                }
            }
        }
    }

    @Override
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder sb = new StringBuilder(context.message());
        for (Map.Entry<String, Object> e : context.asMap().entrySet()) {
            String k = e.getKey();
            if (k.equals("message") || k.equals("exception")) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof StackTraceElement[] st) {
                sb.append("\nObject created at (most recent call first):").append(Debug.formatStack(st, 20));
            } else {
                sb.append('\n').append(k).append(": ").append(v);
            }
        }
        Throwable ex = context.exception();
        if (ex != null) {
            Debug.LOG.log(Level.ERROR, sb.toString(), ex);
        } else {
            Debug.LOG.log(Level.ERROR, sb.toString());
        }
    }
}
