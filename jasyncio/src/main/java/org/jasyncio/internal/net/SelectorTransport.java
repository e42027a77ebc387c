package org.jasyncio.internal.net;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoHandler;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.WriteFlow;
import org.jasyncio.transports.BaseProtocol;

/**
 * What the selector transports share (CPython's {@code _SelectorTransport}): the channel
 * and its selection key, the closing protocol (close, abort, force-close, connection lost),
 * fatal errors, and write flow control with high and low water marks. The transport is the
 * key's {@link IoHandler}: the selector calls it inline.
 *
 * <p>Loop-affine.
 */
abstract class SelectorTransport implements IoHandler {
    static final Logger LOG = System.getLogger("org.jasyncio.transports");
    /** Reads per readiness event, at most (Netty's maxMessagesPerRead). */
    static final int MAX_READS_PER_EVENT = 16;
    /** asyncio's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
    static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    final IoLoop io;
    final EventLoop loop;
    final SelectableChannel channel;
    final Map<String, Object> extra = new HashMap<>();
    BaseProtocol protocol;
    SocketServer server;
    SelectionKey key;
    private int interestOps;
    /** close(), abort() or a fatal error: no more reading; no writing once the buffer is empty. */
    boolean closing;
    /** Set once the connection is lost (asyncio's _conn_lost counts dropped writes after it). */
    int connLost;
    /** connectionMade was called, so connectionLost must be. */
    boolean protocolConnected;
    private final WriteFlow flow;

    SelectorTransport(IoLoop io, SelectableChannel channel, BaseProtocol protocol, SocketServer server) {
        this.io = io;
        this.loop = io.eventLoop();
        this.channel = channel;
        this.protocol = protocol;
        this.server = server;
        this.flow = WriteFlow.reportingTo(loop, this, () -> this.protocol);
    }

    /** Registers the channel, with no interest yet. */
    final void register() throws IOException {
        key = io.register(channel, 0, this);
        if (server != null) {
            server.attach(this);
        }
    }

    // ---- interest ops -------------------------------------------------------------------

    final void setInterest(int op, boolean on) {
        int ops = on ? interestOps | op : interestOps & ~op;
        if (ops != interestOps) {
            interestOps = ops;
            SelectionKey k = key;
            if (k != null && k.isValid()) {
                k.interestOps(ops);
            }
        }
    }

    final boolean hasInterest(int op) {
        return (interestOps & op) != 0;
    }

    // ---- closing ------------------------------------------------------------------------

    /** Bytes waiting to be written. */
    abstract long bufferSize();

    /** Drops the bytes waiting to be written. */
    abstract void clearBuffer();

    /** Rejects a call from another thread while the loop runs. */
    final void checkThread(String what) {
        io.checkLoopThread(what);
    }

    /**
     * asyncio's close(): stops reading, and loses the connection once the buffer is flushed.
     *
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void close() {
        checkThread("Transport.close()");
        if (closing) {
            return;
        }
        closing = true;
        setInterest(SelectionKey.OP_READ, false);
        if (bufferSize() == 0) {
            connLost++;
            setInterest(SelectionKey.OP_WRITE, false);
            io.callSoonInternal(() -> callConnectionLost(null));
        }
    }

    /**
     * asyncio's abort(): drops the buffer and loses the connection on the next iteration.
     *
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void abort() {
        checkThread("Transport.abort()");
        forceClose(null);
    }

    /**
     * asyncio's is_closing().
     *
     * @return {@code true} once closing, aborted or lost
     */
    public boolean isClosing() {
        return closing;
    }

    /** asyncio's _force_close(exc): drop the buffer, lose the connection on the next iteration. */
    final void forceClose(Exception exc) {
        if (connLost > 0) {
            return;
        }
        if (bufferSize() > 0) {
            clearBuffer();
        }
        setInterest(SelectionKey.OP_WRITE, false);
        if (!closing) {
            closing = true;
            setInterest(SelectionKey.OP_READ, false);
        }
        connLost++;
        io.callSoonInternal(() -> callConnectionLost(exc));
    }

    /** asyncio's _call_connection_lost(exc): tell the protocol, close the channel, leave the server. */
    final void callConnectionLost(Exception exc) {
        try {
            if (protocolConnected) {
                protocolConnected = false;
                protocol.connectionLost(exc);
            }
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.builder("Exception in " + describe(protocol)
                    + ".connectionLost()").exception(t).put("transport", this).put("protocol", protocol).build());
        } finally {
            closeChannel();
            SocketServer s = server;
            if (s != null) {
                server = null;
                s.detach(this);
            }
            connectionEnded(exc);
        }
    }

    /**
     * The channel is closed: ends what still waits on it (a sendfile in progress). Must not
     * throw.
     *
     * @param exc the error that lost the connection, or null
     */
    void connectionEnded(Exception exc) {
    }

    final void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "error closing " + channel, e);
        }
    }

    @Override
    public void loopClosing() {
        clearBuffer();
        closing = true;
        closeChannel();
        connectionEnded(null);
    }

    /**
     * asyncio's _fatal_error: force-close with the error, then report it (I/O errors only in
     * debug mode, as they are the peer's doing). Closing comes first, unlike asyncio: it drops
     * the write buffer, which is what an {@link OutOfMemoryError} needs freed before anything
     * can be reported, and a report that fails must not leave the connection open.
     */
    final void fatalError(Throwable exc, String message) {
        try {
            forceClose(exc instanceof Exception e ? e : new RuntimeException(exc));
        } catch (Throwable t) {
            closeAfterFault(exc);
        }
        try {
            if (exc instanceof IOException) {
                if (io.debug()) {
                    LOG.log(Level.DEBUG, this + ": " + message, exc);
                }
            } else {
                loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", this)
                        .put("protocol", protocol).build());
            }
        } catch (Throwable t) {
            Faults.unreported(exc, t);
        }
    }

    /**
     * Reports a protocol callback that threw to the loop's exception handler, leaving the
     * transport as it is (the pipe transports: under asyncio such an exception leaves a callback
     * of its own, not the transport's).
     */
    final void reportCallback(String callback, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.builder("Exception in " + describe(protocol) + "." + callback
                + "()").exception(t).put("transport", this).put("protocol", protocol).build());
    }

    /**
     * The selector called {@link #ready} and it threw: close as a fatal error does, without
     * reporting (the loop reports {@code error} once, right after).
     */
    @Override
    public void failed(Throwable error) {
        try {
            forceClose(error instanceof Exception e ? e : new RuntimeException(error));
        } catch (Throwable t) {
            closeAfterFault(error);
        }
    }

    /**
     * Scheduling the connection's loss failed too (out of memory): drop the buffer and close
     * the channel here, so that neither memory nor the descriptor stays held; the protocol
     * is told later if the loop can still schedule it.
     */
    private void closeAfterFault(Throwable error) {
        try {
            clearBuffer();
        } catch (Throwable ignored) {
            // the channel below is what must not leak
        }
        closing = true;
        if (connLost == 0) {
            connLost++;
        }
        closeChannel();
        SocketServer s = server;
        if (s != null) {
            server = null;
            s.detach(this);
        }
        connectionEnded(error instanceof Exception e ? e : null);
        try {
            io.callSoonInternal(() -> tellProtocolLost(error));
        } catch (Throwable ignored) {
            // the protocol is not told: the connection is closed all the same
        }
    }

    private void tellProtocolLost(Throwable error) {
        if (protocolConnected) {
            protocolConnected = false;
            try {
                protocol.connectionLost(error instanceof Exception e ? e : new RuntimeException(error));
            } catch (Throwable t) {
                loop.callExceptionHandler(ExceptionContext.builder("Exception in " + describe(protocol)
                        + ".connectionLost()").exception(t).put("transport", this).put("protocol", protocol).build());
            }
        }
    }

    /**
     * A write that could not be buffered for lack of memory: the buffer is dropped (which
     * frees what this connection held) and the connection force-closed, then the error goes
     * back to the writer, since its data was not written.
     */
    final OutOfMemoryError writeOutOfMemory(OutOfMemoryError e) {
        try {
            clearBuffer();
        } catch (Throwable ignored) {
            // closing below drops it anyway
        }
        try {
            forceClose(new RuntimeException(e));
        } catch (Throwable t) {
            closeAfterFault(e);
        }
        return e;
    }

    /** A write after the connection was lost: dropped, as asyncio does, with a warning after a few. */
    final void droppedWrite() {
        if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
            LOG.log(Level.WARNING, "socket.send() raised exception: the connection of " + this
                    + " is lost; the data was dropped (" + connLost + " writes)");
        }
        connLost++;
    }

    // ---- write flow control -------------------------------------------------------------

    /**
     * asyncio's set_write_buffer_limits(high, low); -1 for a default.
     *
     * @param high the high-water mark in bytes, or -1
     * @param low the low-water mark in bytes, or -1
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void setWriteBufferLimits(int high, int low) {
        checkThread("Transport.setWriteBufferLimits()");
        flow.setLimits(high, low, bufferSize());
    }

    /**
     * asyncio's get_write_buffer_limits().
     *
     * @return {@code {low, high}}
     */
    public int[] getWriteBufferLimits() {
        return flow.limits();
    }

    /**
     * asyncio's get_write_buffer_size().
     *
     * @return the bytes waiting to be written
     */
    public long getWriteBufferSize() {
        return bufferSize();
    }

    /** Whether the protocol was told to pause writing (asyncio's {@code _protocol_paused}). */
    final boolean protocolPaused() {
        return flow.paused();
    }

    final void maybePauseProtocol() {
        flow.maybePause(bufferSize());
    }

    final void maybeResumeProtocol() {
        flow.maybeResume(bufferSize());
    }

    // ---- extra info -----------------------------------------------------------------------

    /**
     * asyncio's get_extra_info(name, default).
     *
     * @param name the name
     * @param defaultValue returned when there is no such information
     * @return the value, or {@code defaultValue}
     */
    public Object getExtraInfo(String name, Object defaultValue) {
        return extra.getOrDefault(name, defaultValue);
    }

    /**
     * asyncio's get_protocol().
     *
     * @return the protocol
     */
    public BaseProtocol getProtocol() {
        return protocol;
    }

    static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName().isEmpty() ? o.getClass().getName()
                : o.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName());
        if (connLost > 0 && !channel.isOpen()) {
            sb.append(" closed");
        } else if (closing) {
            sb.append(" closing");
        }
        Object peer = extra.get("peername");
        if (peer != null) {
            sb.append(" peer=").append(peer);
        }
        long b = bufferSize();
        if (b > 0) {
            sb.append(" buffered=").append(b);
        }
        return sb.append('>').toString();
    }
}
