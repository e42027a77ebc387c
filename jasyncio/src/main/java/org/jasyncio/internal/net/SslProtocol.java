package org.jasyncio.internal.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.TimerHandle;
import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.ReceiveViews;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.BufferedProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.TlsOptions;

/**
 * TLS between a stream transport (below) and the application's protocol (above), on an
 * {@link SSLEngine}; CPython's {@code sslproto.SSLProtocol} (3.11), with its states:
 * UNWRAPPED, DO_HANDSHAKE, WRAPPED, FLUSHING, SHUTDOWN.
 *
 * <p>It is a {@link BufferedProtocol} for the transport below, so encrypted bytes are read
 * straight into its network buffer; the application sees an {@link SslTransport}.
 * Flow control: the lower transport's pause/resume writing is passed to the application;
 * pausing the application's reading pauses the lower transport.
 *
 * <p>Loop-affine.
 */
final class SslProtocol implements BufferedProtocol {
    enum State { UNWRAPPED, DO_HANDSHAKE, WRAPPED, FLUSHING, SHUTDOWN }

    enum AppState { INIT, CON_MADE, EOF, CON_LOST }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The least ciphertext buffer: room for two records, so one read takes a little more than a record. */
    private static final int NET_IN_SIZE = 32 * 1024;

    private final IoLoop io;
    private final EventLoop loop;
    private final SSLEngine engine;
    private final boolean serverSide;
    private final TlsOptions tls;
    private final Map<String, Object> extra = new HashMap<>();
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private long backlogSize;
    private BaseProtocol app;
    /** Where decrypted bytes go by copy: the app if it is a BufferedProtocol, else its buffered view, else null. */
    private BufferedProtocol appBuffered;
    private Future<Void> waiter;
    private final SslTransport appTransport;
    private SocketTransport lower;
    private State state = State.UNWRAPPED;
    private AppState appState;
    /**
     * Encrypted bytes from the peer, in write mode between reads; borrowed from the loop's
     * {@link TlsBuffers} and given back (null) whenever it is empty.
     */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet given to the application, in write mode; borrowed like netIn. */
    private ByteBuffer appIn;
    private final TlsBuffers buffers;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;
    private boolean eofReceived;
    private boolean closeNotifyReceived;
    private boolean appReadingPaused;
    private boolean appWritingPaused;
    private boolean lowerWritingPaused;
    private boolean pendingEof;
    private int connLost;
    /** The engine's packet size when made: the largest, so read buffers never need the engine later. */
    private final int packetSize;
    /** The engine's application buffer size when made. */
    private final int appSize;
    /** Delegated tasks run off the loop now: the engine is not touched until they are done. */
    private boolean tasksRunning;

    SslProtocol(IoLoop io, BaseProtocol app, SSLEngine engine, Future<Void> waiter, boolean serverSide, TlsOptions tls,
            boolean callConnectionMade) {
        this.io = io;
        this.loop = io.eventLoop();
        this.engine = engine;
        this.serverSide = serverSide;
        this.tls = tls;
        this.waiter = waiter;
        setAppProtocol(app);
        this.appState = callConnectionMade ? AppState.INIT : AppState.CON_MADE;
        this.appTransport = new SslTransport(this);
        extra.put("sslcontext", tls.sslContext());
        SSLSession s = engine.getSession();
        this.packetSize = s.getPacketBufferSize();
        this.appSize = s.getApplicationBufferSize();
        this.buffers = TlsBuffers.of(loop); // made on the loop thread, as the loop's other I/O objects
    }

    void setAppProtocol(BaseProtocol p) {
        if (!(p instanceof Protocol) && !(p instanceof BufferedProtocol)) {
            throw new IllegalArgumentException("a TLS transport needs a Protocol or a BufferedProtocol, got "
                    + (p == null ? "null" : p.getClass().getName()));
        }
        this.app = p;
        this.appBuffered = p instanceof BufferedProtocol bp ? bp : ReceiveViews.of(p);
    }

    void checkThread(String what) {
        io.checkLoopThread(what);
    }

    BaseProtocol appProtocol() {
        return app;
    }

    SslTransport appTransport() {
        return appTransport;
    }

    SocketTransport lower() {
        return lower;
    }

    boolean appReadingPaused() {
        return appReadingPaused;
    }

    /** Whether the application protocol was told to pause writing (asyncio's {@code _protocol_paused}). */
    boolean appWritingPaused() {
        return appWritingPaused;
    }

    Object extraInfo(String name, Object defaultValue) {
        if (extra.containsKey(name)) {
            return extra.get(name);
        }
        SocketTransport l = lower;
        return l != null ? l.getExtraInfo(name, defaultValue) : defaultValue;
    }

    long writeBufferSize() {
        SocketTransport l = lower;
        return backlogSize + (l == null ? 0 : l.getWriteBufferSize());
    }

    // ---- the lower transport's events ------------------------------------------------------

    @Override
    public void connectionMade(BaseTransport transport) {
        this.lower = (SocketTransport) transport;
        startHandshake();
    }

    @Override
    public void connectionLost(Exception exc) {
        backlog.clear();
        backlogSize = 0;
        connLost++;
        appTransport.markClosed();
        if (state != State.DO_HANDSHAKE && (appState == AppState.CON_MADE || appState == AppState.EOF)) {
            appState = AppState.CON_LOST;
            BaseProtocol a = app;
            io.callSoonInternal(() -> appConnectionLost(a, exc));
        }
        state = State.UNWRAPPED;
        wakeWaiter(exc != null ? exc : new SocketException("Connection lost during the TLS handshake"));
        cancelTimers();
    }

    private void appConnectionLost(BaseProtocol a, Exception exc) {
        try {
            a.connectionLost(exc);
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.builder("Exception in connectionLost() of " + a)
                    .exception(t).put("transport", appTransport).build());
        }
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        // Not engine.getSession(): while delegated tasks run on another thread, they hold the
        // engine's lock, and the loop must not wait for them.
        int need = Math.max(packetSize, 4096);
        if (netIn == null) {
            netIn = buffers.netIn.take(Math.max(packetSize, NET_IN_SIZE));
        } else if (netIn.remaining() < need) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.position() + need));
            b.put(netIn.flip());
            netIn = b;
        }
        return netIn;
    }

    @Override
    public void bufferUpdated(int nbytes) {
        switch (state) {
            case DO_HANDSHAKE -> {
                if (!tasksRunning) {
                    doHandshake(); // else the bytes wait in netIn for the tasks to finish
                }
            }
            case WRAPPED, FLUSHING -> doRead();
            case SHUTDOWN -> doShutdownRead();
            case UNWRAPPED -> netIn.clear();
        }
        releaseEmpty();
    }

    /** netIn, borrowed if this connection holds none. */
    private ByteBuffer netIn() {
        ByteBuffer b = netIn;
        if (b == null) {
            netIn = b = buffers.netIn.take(Math.max(packetSize, NET_IN_SIZE));
        }
        return b;
    }

    /** appIn, borrowed if this connection holds none. */
    private ByteBuffer appIn() {
        ByteBuffer b = appIn;
        if (b == null) {
            appIn = b = buffers.appIn.take(appSize);
        }
        return b;
    }

    /** Bytes of read buffer this connection holds now (0 when idle); for tests. */
    int heldReadBufferBytes() {
        return (netIn == null ? 0 : netIn.capacity()) + (appIn == null ? 0 : appIn.capacity());
    }

    /**
     * Gives the read buffers back to the loop's pool when they hold nothing: an idle connection
     * keeps no buffer. Called where no read is under way, so neither is flipped.
     */
    private void releaseEmpty() {
        ByteBuffer b = netIn;
        if (b != null && b.position() == 0) {
            netIn = null;
            buffers.netIn.give(b);
        }
        b = appIn;
        if (b != null && b.position() == 0) {
            appIn = null;
            buffers.appIn.give(b);
        }
    }

    @Override
    public boolean eofReceived() {
        eofReceived = true;
        if (io.debug()) {
            SelectorTransport.LOG.log(Level.DEBUG, this + " received EOF");
        }
        switch (state) {
            case DO_HANDSHAKE -> {
                onHandshakeComplete(new SocketException(
                        "Connection reset by peer: the peer closed the connection during the TLS handshake"));
                return false;
            }
            case WRAPPED, FLUSHING -> {
                if (appReadingPaused) {
                    pendingEof = true;
                    return true;
                }
                doRead();
                finishAfterEof();
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** The peer closed TCP without (or after) close_notify: the application gets EOF, then we close. */
    private void finishAfterEof() {
        callAppEofReceived();
        cancelTimers();
        state = State.SHUTDOWN;
    }

    @Override
    public void pauseWriting() {
        lowerWritingPaused = true;
        controlAppWriting();
    }

    @Override
    public void resumeWriting() {
        lowerWritingPaused = false;
        controlAppWriting();
    }

    private void controlAppWriting() {
        if (appState != AppState.CON_MADE && appState != AppState.EOF) {
            return;
        }
        try {
            if (lowerWritingPaused && !appWritingPaused) {
                appWritingPaused = true;
                app.pauseWriting();
            } else if (!lowerWritingPaused && appWritingPaused) {
                appWritingPaused = false;
                app.resumeWriting();
            }
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.builder("protocol.pause/resumeWriting() failed").exception(t)
                    .put("transport", appTransport).put("protocol", app).build());
        }
    }

    // ---- handshake ------------------------------------------------------------------------

    private void startHandshake() {
        state = State.DO_HANDSHAKE;
        double t = tls.handshakeTimeout();
        if (t != Double.POSITIVE_INFINITY) {
            handshakeTimer = io.callLaterInternal(t, this::checkHandshakeTimeout);
        }
        try {
            engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            onHandshakeComplete(e);
            return;
        }
        doHandshake();
    }

    private void checkHandshakeTimeout() {
        if (state == State.DO_HANDSHAKE) {
            onHandshakeComplete(new SocketTimeoutException("TLS handshake is taking longer than "
                    + tls.handshakeTimeout() + " seconds: aborting the connection"));
        }
    }

    private void doHandshake() {
        boolean done = false;
        netIn().flip();
        try {
            loop:
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        SSLEngineResult r = wrap(EMPTY);
                        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                            done = true;
                            break loop;
                        }
                        if (r.getStatus() == Status.CLOSED) {
                            throw new SSLHandshakeException("the TLS engine closed during the handshake");
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult r = unwrap();
                        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                            done = true;
                            break loop;
                        }
                        if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                            break loop;
                        }
                        if (r.getStatus() == Status.CLOSED) {
                            throw new SSLHandshakeException("the peer closed the TLS connection during the handshake");
                        }
                    }
                    case NEED_TASK -> {
                        if (tls.delegatedTasksOffLoop() && startTasksOffLoop()) {
                            break loop; // tasksDone() goes on with the handshake
                        }
                        runTasks();
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        done = true;
                        break loop;
                    }
                }
            }
        } catch (SSLException | RuntimeException e) {
            netIn.compact();
            sendAlert();
            onHandshakeComplete(e);
            return;
        }
        netIn.compact();
        if (done) {
            onHandshakeComplete(null);
        }
        releaseEmpty();
    }

    /** After a failed handshake the engine may hold an alert for the peer: send it. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            ByteBuffer out = buffers.netOut.take(packetSize);
            try {
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    out.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, out);
                    out.flip();
                    if (out.hasRemaining() && lower != null && !lower.isClosing()) {
                        lower.write(out); // copies what the socket does not take at once
                    }
                    if (r.getStatus() == Status.CLOSED || r.bytesProduced() == 0) {
                        break;
                    }
                }
            } finally {
                buffers.netOut.give(out);
            }
        } catch (SSLException | RuntimeException ignored) {
            // nothing more can be said to the peer
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Hands the engine's delegated tasks to the shared pool; their end comes back through the
     * loop's thread-safe queue to {@link #tasksDone}. Until then the engine is not touched.
     *
     * @return false if the pool refused them (they must run here)
     */
    private boolean startTasksOffLoop() {
        tasksRunning = true;
        try {
            SslTaskPool.get().execute(this::runTasksOffLoop);
            return true;
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            return false;
        }
    }

    /** On a pool thread. */
    private void runTasksOffLoop() {
        Throwable failure = null;
        try {
            runTasks();
        } catch (Throwable t) {
            failure = t;
        }
        Throwable f = failure;
        try {
            loop.callSoonThreadsafe(() -> tasksDone(f));
        } catch (IllegalStateException loopClosed) {
            // the loop closed its transports when it closed: nobody waits for this handshake
        }
    }

    /** Back on the loop: go on with the handshake, unless it ended meanwhile (timeout, lost connection). */
    private void tasksDone(Throwable failure) {
        tasksRunning = false;
        if (state != State.DO_HANDSHAKE) {
            return;
        }
        if (failure != null) {
            if (failure instanceof Exception e) {
                onHandshakeComplete(e);
            } else {
                SSLHandshakeException e = new SSLHandshakeException("a TLS handshake task failed: " + failure);
                e.initCause(failure);
                onHandshakeComplete(e);
            }
            return;
        }
        doHandshake();
    }

    private void onHandshakeComplete(Exception exc) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        if (exc != null) {
            state = State.UNWRAPPED;
            String msg = exc instanceof SSLHandshakeException && String.valueOf(exc.getMessage()).contains("PKIX")
                    ? "TLS handshake failed on verifying the certificate" : "TLS handshake failed";
            fatalError(exc, msg);
            wakeWaiter(exc);
            return;
        }
        state = State.WRAPPED;
        SSLSession s = engine.getSession();
        extra.put("ssl_object", engine);
        extra.put("ssl_session", s);
        extra.put("cipher", s.getCipherSuite());
        extra.put("tls_version", s.getProtocol());
        String alpn = engine.getApplicationProtocol();
        extra.put("alpn_protocol", alpn == null || alpn.isEmpty() ? null : alpn);
        Certificate peer = null;
        try {
            Certificate[] chain = s.getPeerCertificates();
            peer = chain.length > 0 ? chain[0] : null;
        } catch (SSLPeerUnverifiedException none) {
            // the peer sent no certificate (a client without client authentication)
        }
        extra.put("peercert", peer);
        if (appState == AppState.INIT) {
            appState = AppState.CON_MADE;
            try {
                app.connectionMade(appTransport);
            } catch (Throwable t) {
                fatalError(t, "Fatal error: protocol.connectionMade() call failed.");
                wakeWaiter(t);
                return;
            }
        }
        wakeWaiter(null);
        try {
            flushHandshakeWraps();
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
            return;
        }
        flushBacklog();
        doRead();
    }

    /** Sends what the engine wants to send on its own (TLS 1.3 session tickets, key updates). */
    private void flushHandshakeWraps() throws SSLException {
        for (int i = 0; i < 16; i++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrap(EMPTY);
                if (r.bytesProduced() == 0) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    private void wakeWaiter(Throwable exc) {
        Future<Void> w = waiter;
        if (w == null) {
            return;
        }
        waiter = null;
        if (!w.done()) {
            if (exc != null) {
                w.setException(exc);
            } else {
                w.setResult(null);
            }
        }
    }

    // ---- engine calls -----------------------------------------------------------------------

    /** Wraps from {@code src} and hands the records to the lower transport. */
    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        ByteBuffer out = buffers.netOut.take(packetSize);
        try {
            while (true) {
                out.clear();
                SSLEngineResult r = engine.wrap(src, out);
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    out = ByteBuffer.allocate(Math.max(out.capacity() * 2, engine.getSession().getPacketBufferSize()));
                    continue;
                }
                out.flip();
                if (out.hasRemaining() && lower != null) {
                    lower.write(out); // copies what the socket does not take at once
                }
                return r;
            }
        } finally {
            buffers.netOut.give(out);
        }
    }

    /** Unwraps from netIn (read mode) into appIn, growing appIn when it is too small. */
    private SSLEngineResult unwrap() throws SSLException {
        appIn();
        while (true) {
            SSLEngineResult r = engine.unwrap(netIn, appIn);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                int need = engine.getSession().getApplicationBufferSize();
                ByteBuffer b = ByteBuffer.allocate(Math.max(appIn.capacity() * 2, appIn.position() + need));
                b.put(appIn.flip());
                appIn = b;
                continue;
            }
            return r;
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    /** asyncio's _do_read: decrypt what netIn holds and give it to the application. */
    private void doRead() {
        if (state != State.WRAPPED && state != State.FLUSHING) {
            return;
        }
        if (appReadingPaused) {
            return;
        }
        netIn().flip();
        appIn();
        try {
            while (true) {
                if (appIn.position() > 0) {
                    deliver();
                    if (appReadingPaused || connLost > 0 || state != State.WRAPPED && state != State.FLUSHING) {
                        break;
                    }
                }
                if (!netIn.hasRemaining()) {
                    break;
                }
                SSLEngineResult r = unwrap();
                if (r.getStatus() == Status.CLOSED) {
                    closeNotifyReceived = true;
                    break;
                }
                flushHandshakeWraps(); // post-handshake messages (key update, renegotiation)
                if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                    break;
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            netIn.compact();
            fatalError(e, "Fatal error on SSL protocol");
            return;
        } catch (Throwable t) {
            netIn.compact();
            fatalError(t, "Fatal error: the application protocol's data callback failed.");
            return;
        }
        netIn.compact();
        if (closeNotifyReceived && appIn.position() == 0 && (state == State.WRAPPED || state == State.FLUSHING)) {
            callAppEofReceived();
            startShutdown();
        }
        releaseEmpty();
    }

    /** Gives appIn's bytes to the application. */
    private void deliver() {
        appIn.flip();
        try {
            BufferedProtocol bp = appBuffered;
            if (bp != null) {
                while (appIn.hasRemaining()) {
                    ByteBuffer b = bp.getBuffer(appIn.remaining());
                    if (b == null || !b.hasRemaining()) {
                        throw new IllegalStateException("getBuffer() returned an empty buffer");
                    }
                    int n = Math.min(b.remaining(), appIn.remaining());
                    b.put(b.position(), appIn, appIn.position(), n);
                    b.position(b.position() + n);
                    appIn.position(appIn.position() + n);
                    bp.bufferUpdated(n);
                }
            } else {
                byte[] data = new byte[appIn.remaining()];
                appIn.get(data);
                ((Protocol) app).dataReceived(data);
            }
        } finally {
            appIn.compact();
        }
    }

    private void callAppEofReceived() {
        if (appState != AppState.CON_MADE) {
            return;
        }
        appState = AppState.EOF;
        try {
            boolean keepOpen = app instanceof BufferedProtocol bp ? bp.eofReceived() : ((Protocol) app).eofReceived();
            if (keepOpen) {
                SelectorTransport.LOG.log(Level.WARNING, "returning true from eofReceived() has no effect when using TLS");
            }
        } catch (Throwable t) {
            fatalError(t, "Error calling eofReceived()");
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    /** The application writes: encrypt now, or keep until the handshake is done. */
    void writeAppData(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED && connLost > 0) {
            data.position(data.limit());
            if (connLost >= SelectorTransport.LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                SelectorTransport.LOG.log(Level.WARNING, "TLS connection is closed: the data written was dropped");
            }
            connLost++;
            return;
        }
        if (state != State.WRAPPED || !backlog.isEmpty()) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data).flip();
            backlog.addLast(copy);
            backlogSize += copy.remaining();
            return;
        }
        try {
            while (data.hasRemaining()) {
                SSLEngineResult r = wrap(data);
                if (r.getStatus() == Status.CLOSED) {
                    throw new SSLException("the TLS engine is closed");
                }
            }
        } catch (SSLException | RuntimeException e) {
            data.position(data.limit());
            fatalError(e, "Fatal error on SSL protocol");
        }
    }

    private void flushBacklog() {
        while (!backlog.isEmpty() && state == State.WRAPPED) {
            ByteBuffer b = backlog.pollFirst();
            backlogSize -= b.remaining();
            writeAppData(b);
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    /** asyncio's _start_shutdown: the application closed its transport. */
    void startShutdown() {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) {
            if (state == State.UNWRAPPED && lower != null && connLost == 0) {
                lower.close();
            }
            return;
        }
        if (state == State.DO_HANDSHAKE) {
            abort();
            return;
        }
        state = State.FLUSHING;
        double t = tls.shutdownTimeout();
        if (t != Double.POSITIVE_INFINITY) {
            shutdownTimer = io.callLaterInternal(t, this::checkShutdownTimeout);
        }
        flushBacklog();
        state = State.SHUTDOWN;
        try {
            engine.closeOutbound();
            for (int i = 0; i < 16 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = wrap(EMPTY); // the close_notify alert
                if (r.bytesProduced() == 0 || r.getStatus() == Status.CLOSED) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            onShutdownComplete(e);
            return;
        }
        if (closeNotifyReceived || eofReceived || engine.isInboundDone()) {
            onShutdownComplete(null);
        }
    }

    /** In SHUTDOWN: read until the peer's close_notify, discarding application data. */
    private void doShutdownRead() {
        netIn().flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = unwrap();
                appIn.clear();
                if (r.getStatus() == Status.CLOSED || engine.isInboundDone()) {
                    closeNotifyReceived = true;
                    break;
                }
                if (r.getStatus() == Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            netIn.clear();
            onShutdownComplete(e);
            return;
        }
        netIn.compact();
        if (closeNotifyReceived) {
            onShutdownComplete(null);
        }
    }

    private void checkShutdownTimeout() {
        if (state == State.FLUSHING || state == State.SHUTDOWN) {
            SocketTransport l = lower;
            if (l != null) {
                l.forceClose(new SocketTimeoutException("TLS shutdown timed out"));
            }
        }
    }

    private void onShutdownComplete(Exception exc) {
        if (shutdownTimer != null) {
            shutdownTimer.cancel();
            shutdownTimer = null;
        }
        if (exc != null) {
            fatalError(exc, "Fatal error on SSL protocol during shutdown");
        } else if (lower != null) {
            lower.close();
        }
    }

    void abort() {
        state = State.UNWRAPPED;
        if (lower != null) {
            lower.abort();
        }
    }

    // ---- application flow control --------------------------------------------------------------

    void pauseAppReading() {
        if (appReadingPaused) {
            return;
        }
        appReadingPaused = true;
        if (lower != null) {
            lower.pauseReading();
        }
    }

    void resumeAppReading() {
        if (!appReadingPaused) {
            return;
        }
        appReadingPaused = false;
        io.callSoonInternal(() -> {
            if (appReadingPaused) {
                return;
            }
            if (state == State.WRAPPED || state == State.FLUSHING) {
                doRead();
                if (pendingEof) {
                    pendingEof = false;
                    finishAfterEof();
                    if (lower != null) {
                        lower.close();
                    }
                    return;
                }
            }
            if (lower != null) {
                lower.resumeReading();
            }
        });
    }

    private void cancelTimers() {
        if (shutdownTimer != null) {
            shutdownTimer.cancel();
            shutdownTimer = null;
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    private void fatalError(Throwable exc, String message) {
        SocketTransport l = lower;
        if (l != null) {
            l.fatalError(exc, message);
        } else if (!(exc instanceof IOException)) {
            try {
                loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("protocol", this).build());
            } catch (Throwable t) {
                Faults.unreported(exc, t);
            }
        }
    }

    @Override
    public String toString() {
        return "<SslProtocol " + (serverSide ? "server" : "client") + " state=" + state + " app=" + appState + ">";
    }
}
