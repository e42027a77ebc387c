package org.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jasyncio.internal.IoHandler;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.net.Connector;
import org.jasyncio.internal.net.DatagramEndpoints;
import org.jasyncio.internal.net.SockOps;
import org.jasyncio.internal.net.SocketServer;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Datagram;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramOptions;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.NameInfo;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;

/**
 * The event loop on a {@link java.nio.channels.Selector}; asyncio's
 * {@code SelectorEventLoop} (epoll on Linux).
 *
 * <p>A virtual-time variant, for tests, jumps its clock to the next timer instead of
 * sleeping whenever nothing else is ready.
 *
 * <h2>I/O dispatch</h2>
 * Each selection key's attachment is an {@link IoHandler}. Transports are their own
 * handlers and run inline, while the selector reports the keys of one {@code select}
 * (Netty's {@code processSelectedKeys}, libuv's poll phase): no allocation and no queueing
 * per event. The readers and writers of {@link #addReader}/{@link #addWriter} are
 * {@link ChannelCallbacks}, which queue their {@link Handle}s on the ready queue, as
 * CPython's {@code _process_events} does.
 */
final class SelectorEventLoop extends BaseEventLoop implements IoLoop {
    private static final int AWAKE = 0;
    private static final int POLLING = 1;
    private static final VarHandle WAKE_STATE;

    static {
        try {
            WAKE_STATE = MethodHandles.lookup().findVarHandle(SelectorEventLoop.class, "wakeState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Selector selector;
    @SuppressWarnings("unused") // through WAKE_STATE
    private volatile int wakeState;
    /**
     * Keys the last select found ready. Their handlers run as one ready item queued after what
     * was already ready and before the timers falling due, which is where asyncio's
     * _process_events puts its reader and writer callbacks.
     */
    private final ArrayList<SelectionKey> selectedKeys = new ArrayList<>();
    private final Consumer<SelectionKey> onSelected = selectedKeys::add;
    private final ReadyItem ioEvents = new ReadyItem() {
        @Override
        void runReady() {
            dispatchSelected();
        }

        @Override
        public String toString() {
            return "<I/O events of " + SelectorEventLoop.this + ">";
        }
    };
    /** True while select() dispatches keys: the selector cannot be flushed then. */
    private boolean inSelect;
    /** Keys of ChannelCallbacks left with no reader and no writer: cancelled at the next poll. */
    private final List<ChannelCallbacks> idleKeys = new ArrayList<>();
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;

    /** Virtual time: null for the real clock. */
    private final long[] virtualNow;

    SelectorEventLoop() {
        this(false);
    }

    SelectorEventLoop(boolean virtualTime) {
        super();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
        this.virtualNow = virtualTime ? new long[] {0} : null;
    }

    @Override
    long nanoTime() {
        long[] v = virtualNow;
        return v == null ? System.nanoTime() - CLOCK_ORIGIN : v[0];
    }

    /** Virtual time only: moves the clock forward. */
    void advance(long nanos) {
        if (virtualNow == null) {
            throw new IllegalStateException("not a virtual-time loop");
        }
        virtualNow[0] += nanos;
    }

    boolean isVirtualTime() {
        return virtualNow != null;
    }

    @Override
    void poll(long timeoutNanos) {
        if (!idleKeys.isEmpty()) {
            cancelIdleKeys();
        }
        Selector sel = selector;
        boolean noChannels = sel.keys().isEmpty();
        if (timeoutNanos == 0 && noChannels) {
            return; // nothing to poll and no time to wait: skip the system call
        }
        WAKE_STATE.setVolatile(this, POLLING);
        inSelect = true;
        try {
            if (!inbox.isEmpty()) {
                timeoutNanos = 0;
            }
            if (virtualNow != null && timeoutNanos > 0) {
                int n = noChannels ? 0 : sel.selectNow(onSelected);
                if (n == 0 && inbox.isEmpty()) {
                    virtualNow[0] += timeoutNanos;
                }
                return;
            }
            if (timeoutNanos == 0) {
                sel.selectNow(onSelected);
            } else if (timeoutNanos < 0) {
                sel.select(onSelected);
            } else {
                // Selector timeouts are in milliseconds: round up, never down to "forever" (0).
                long ms = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
                sel.select(onSelected, ms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        } finally {
            inSelect = false;
            WAKE_STATE.setVolatile(this, AWAKE);
        }
    }

    @Override
    void queueIoEvents() {
        ArrayList<SelectionKey> keys = selectedKeys;
        int n = keys.size();
        if (n == 0) {
            return;
        }
        // Reader and writer callbacks (addReader, addWriter) are queued one by one as asyncio
        // does; transports and servers run in the one batch item, at the place of the first.
        int kept = 0;
        boolean batchQueued = false;
        for (int i = 0; i < n; i++) {
            SelectionKey k = keys.get(i);
            if (k.attachment() instanceof ChannelCallbacks) {
                selected(k);
            } else {
                keys.set(kept++, k);
                if (!batchQueued) {
                    callSoon0(ioEvents);
                    batchQueued = true;
                }
            }
        }
        keys.subList(kept, n).clear();
    }

    private void dispatchSelected() {
        ArrayList<SelectionKey> keys = selectedKeys;
        try {
            for (int i = 0; i < keys.size(); i++) {
                selected(keys.get(i));
            }
        } finally {
            keys.clear();
        }
    }

    private void selected(SelectionKey key) {
        if (key.attachment() instanceof IoHandler h) {
            if (debug) {
                selectedTimed(h, key);
                return;
            }
            try {
                h.ready(key);
            } catch (Throwable t) {
                handlerFailed(h, t);
            }
        }
    }

    @Override
    void wakeup() {
        if ((int) WAKE_STATE.getAndSet(this, AWAKE) == POLLING) {
            selector.wakeup();
        }
    }

    @Override
    void closeIo() {
        for (SelectionKey k : List.copyOf(selector.keys())) {
            if (k.attachment() instanceof IoHandler h && !(h instanceof ChannelCallbacks)) {
                try {
                    h.loopClosing();
                } catch (Throwable t) {
                    Debug.LOG.log(Level.WARNING, "error releasing " + h + " at loop close", t);
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            Debug.LOG.log(System.Logger.Level.WARNING, "error closing the selector", e);
        }
    }

    Selector selector() {
        return selector;
    }

    // =====================================================================================
    // Network (issue 4): the IoLoop side for org.jasyncio.internal.net, channel watchers,
    // and the EventLoop network methods, which delegate to org.jasyncio.internal.net.
    // =====================================================================================

    /** Size of the shared read and write buffers: asyncio's max_size for one recv(). */
    private static final int IO_BUFFER_SIZE = 256 * 1024;

    private void selectedTimed(IoHandler h, SelectionKey key) {
        long t0 = System.nanoTime();
        try {
            h.ready(key);
        } catch (Throwable t) {
            handlerFailed(h, t);
        }
        long dt = System.nanoTime() - t0;
        if (dt >= (long) (getSlowCallbackDuration() * 1e9)) {
            Debug.LOG.log(Level.WARNING, String.format("Executing I/O handler %s took %.3f seconds", h, dt / 1e9));
        }
    }

    private void handlerFailed(IoHandler h, Throwable t) {
        LoopFaults.handlerFailed(this, h, t);
    }

    @Override
    public EventLoop eventLoop() {
        return this;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException {
        checkClosed();
        try {
            return channel.register(selector, ops, handler);
        } catch (CancelledKeyException e) {
            // The channel's previous key was cancelled in this iteration: flush it, then retry.
            flushCancelledKeys(channel);
            return channel.register(selector, ops, handler);
        }
    }

    @Override
    public void releaseClosedChannels() {
        if (inSelect || !selector.isOpen()) {
            return;
        }
        try {
            // Readiness reported by this run is not lost: the selector is level-triggered, so
            // the loop's next select reports it again.
            selector.selectNow(k -> { });
        } catch (IOException e) {
            // the closed channels are released by the loop's next select instead
        }
    }

    private void flushCancelledKeys(SelectableChannel channel) throws IOException {
        if (inSelect) {
            throw new IllegalStateException("cannot register " + channel + " again with the loop while its previous "
                    + "registration is being cancelled, from inside an I/O handler; retry on the next iteration "
                    + "(loop.callSoon)");
        }
        selector.selectNow(k -> { });
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
        checkSeconds(delaySeconds, "delay");
        return callLaterInternal(secondsToNanos(delaySeconds), callback);
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
        ChannelCallbacks cb = watcher(channel, callback, "addReader()");
        if ((channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) == 0) {
            throw new IllegalArgumentException(channel + " cannot be read");
        }
        if (cb.reader != null) {
            cb.reader.cancel();
        }
        cb.reader = new Handle(this, callback, Context.current().copy());
        cb.update();
    }

    @Override
    public void addWriter(SelectableChannel channel, Runnable callback) {
        ChannelCallbacks cb = watcher(channel, callback, "addWriter()");
        if ((channel.validOps() & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) == 0) {
            throw new IllegalArgumentException(channel + " cannot be written");
        }
        if (cb.writer != null) {
            cb.writer.cancel();
        }
        // The ops are recomputed after each call: a finished connection moves from
        // OP_CONNECT to OP_WRITE (a stale OP_CONNECT would make the selector spin).
        cb.writer = new Handle(this, () -> {
            try {
                callback.run();
            } finally {
                cb.update();
            }
        }, Context.current().copy());
        cb.update();
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        ChannelCallbacks cb = existingWatcher(channel, "removeReader()");
        if (cb == null || cb.reader == null) {
            return false;
        }
        cb.reader.cancel();
        cb.reader = null;
        cb.update();
        return true;
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        ChannelCallbacks cb = existingWatcher(channel, "removeWriter()");
        if (cb == null || cb.writer == null) {
            return false;
        }
        cb.writer.cancel();
        cb.writer = null;
        cb.update();
        return true;
    }

    private ChannelCallbacks watcher(SelectableChannel channel, Runnable callback, String what) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread(what);
        if (!channel.isOpen()) {
            throw new IllegalArgumentException(what + ": the channel is closed: " + channel);
        }
        if (channel.isBlocking()) {
            throw new IllegalArgumentException(what + ": the channel must be in non-blocking mode "
                    + "(call configureBlocking(false)): " + channel);
        }
        ChannelCallbacks cb = existingWatcher(channel, what);
        if (cb != null) {
            return cb;
        }
        cb = new ChannelCallbacks(channel);
        try {
            cb.key = register(channel, 0, cb);
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException(what + ": the channel is closed: " + channel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cb;
    }

    private ChannelCallbacks existingWatcher(SelectableChannel channel, String what) {
        Objects.requireNonNull(channel, "channel");
        checkThread(what);
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return null;
        }
        if (key.attachment() instanceof ChannelCallbacks cb) {
            return cb;
        }
        throw new IllegalStateException(what + ": the channel is used by " + key.attachment()
                + "; it cannot be watched by add/removeReader or add/removeWriter too");
    }

    private void cancelIdleKeys() {
        for (ChannelCallbacks cb : idleKeys) {
            cb.idleQueued = false;
            if (cb.reader == null && cb.writer == null) {
                cb.key.cancel();
            }
        }
        idleKeys.clear();
    }

    /** The reader and writer set on one channel by addReader/addWriter; the key's attachment. */
    private final class ChannelCallbacks implements IoHandler {
        final SelectableChannel channel;
        SelectionKey key;
        Handle reader;
        Handle writer;
        boolean idleQueued;

        ChannelCallbacks(SelectableChannel channel) {
            this.channel = channel;
        }

        /** Sets the interest ops from the callbacks present; an idle key is cancelled at the next poll. */
        void update() {
            SelectionKey k = key;
            if (!k.isValid()) {
                return;
            }
            int ops = 0;
            if (reader != null) {
                ops |= channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
            }
            if (writer != null) {
                boolean pending = channel instanceof SocketChannel sc && sc.isConnectionPending();
                ops |= pending ? SelectionKey.OP_CONNECT : channel.validOps() & SelectionKey.OP_WRITE;
            }
            if (k.interestOps() != ops) {
                k.interestOps(ops);
            }
            if (ops == 0 && !idleQueued) {
                idleQueued = true;
                idleKeys.add(this);
            }
        }

        @Override
        public void ready(SelectionKey k) {
            if (!k.isValid()) {
                return;
            }
            int ready = k.readyOps();
            Handle r = reader;
            if (r != null && (ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                callSoon0(r);
            }
            Handle w = writer;
            if (w != null && (ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                callSoon0(w);
            }
        }

        @Override
        public String toString() {
            return "<watchers of " + channel + (reader != null ? " reader" : "") + (writer != null ? " writer" : "")
                    + ">";
        }
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
}
