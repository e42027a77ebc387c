package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.WriteTransport;

/**
 * The write end of a selectable pipe ({@link java.nio.channels.Pipe.SinkChannel}, or a socket
 * used as one) watched by the loop's selector; CPython's {@code _UnixWritePipeTransport}.
 *
 * <p>{@code write} sends at once what the pipe takes and buffers the rest, written when the
 * pipe is writable; the protocol is paused and resumed at the water marks. A failed write (the
 * reader is gone) loses the pipe with a {@link BrokenPipeError}. asyncio also watches the write
 * end for readability, which a pipe shows when its reader closes: that works here for a socket,
 * not for a {@code Pipe.SinkChannel}, which cannot be selected for reading, so there the closed
 * reader shows at the next write.
 *
 * <p>Loop-affine.
 */
final class SelectorWritePipeTransport extends SelectorTransport implements WriteTransport {
    private final WritableByteChannel ch;
    private final WriteBuffer buffer = new WriteBuffer();
    private final String name;
    /** writeEof() was called. */
    private boolean eof;
    /** Writes dropped after close() or abort(). */
    private int droppedWhileClosing;

    SelectorWritePipeTransport(IoLoop io, SelectableChannel ch, BaseProtocol protocol, Future<Void> waiter,
            Object pipe, String name) throws IOException {
        super(io, ch, protocol, null);
        this.ch = (WritableByteChannel) ch;
        this.name = name;
        extra.put("pipe", pipe);
        ch.configureBlocking(false);
        register();
        io.callSoonInternal(() -> start(waiter));
    }

    private void start(Future<Void> waiter) {
        protocolConnected = true;
        // as asyncio, where connection_made is a callback of its own: a failure is reported and
        // the pipe goes on
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            reportCallback("connectionMade", t);
        }
        if (!closing && (channel.validOps() & SelectionKey.OP_READ) != 0) {
            setInterest(SelectionKey.OP_READ, true); // the reader closing makes it readable
        }
        waiter.trySetResult(null);
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_READ) != 0 && hasInterest(SelectionKey.OP_READ)) {
            peerClosed();
        }
        if ((ops & SelectionKey.OP_WRITE) != 0 && k.isValid() && hasInterest(SelectionKey.OP_WRITE)) {
            writeReady();
        }
    }

    /** asyncio's _read_ready: the pipe was closed by the reader. */
    private void peerClosed() {
        if (io.debug()) {
            LOG.log(System.Logger.Level.INFO, this + " was closed by peer");
        }
        forceClose(bufferSize() > 0 ? brokenPipe(null) : null);
    }

    private BrokenPipeError brokenPipe(IOException cause) {
        long pending = bufferSize();
        return new BrokenPipeError("Broken pipe: the reading end of " + name + " was closed"
                + (pending > 0 ? " with " + pending + " bytes not written" : ""), cause);
    }

    private void writeFailed(IOException e) {
        setInterest(SelectionKey.OP_WRITE, false);
        BrokenPipeError exc = brokenPipe(e);
        buffer.clear();
        fatalError(exc, "Fatal write error on pipe transport");
    }

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        checkWrite();
        if (len == 0) {
            return;
        }
        if (connLost > 0) {
            droppedWrite();
            return;
        }
        if (closing) {
            // asyncio drops writes after close() or abort(); the count must not mark the pipe
            // lost, or what is still buffered would not be flushed
            droppedWhileClosing++;
            if (droppedWhileClosing >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "pipe closed: " + this + " dropped the data ("
                        + droppedWhileClosing + " writes)");
            }
            return;
        }
        boolean wasEmpty = buffer.isEmpty();
        try {
            buffer.send(ch, io.writeBuffer(), data, off, len);
        } catch (IOException e) {
            writeFailed(e);
            return;
        } catch (OutOfMemoryError e) {
            throw writeOutOfMemory(e);
        }
        if (buffer.isEmpty()) {
            return; // all sent at once
        }
        if (wasEmpty) {
            setInterest(SelectionKey.OP_WRITE, true);
        }
        maybePauseProtocol();
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        write(b, 0, b.length);
    }

    private void checkWrite() {
        checkThread("WriteTransport.write()");
        if (eof) {
            throw new IllegalStateException("Cannot call write() after writeEof(): " + this);
        }
    }

    /** asyncio's _write_ready. */
    private void writeReady() {
        if (connLost > 0) {
            return;
        }
        try {
            buffer.flush(ch, io.writeBuffer(), MAX_READS_PER_EVENT);
        } catch (IOException e) {
            writeFailed(e);
            return;
        }
        maybeResumeProtocol();
        if (buffer.isEmpty()) {
            setInterest(SelectionKey.OP_WRITE, false);
            if (closing) {
                setInterest(SelectionKey.OP_READ, false);
                connLost++;
                callConnectionLost(null);
            }
        }
    }

    /** asyncio's write_eof(): a pipe's end of file is its close, once the buffer is written. */
    @Override
    public void writeEof() {
        checkThread("WriteTransport.writeEof()");
        if (closing) {
            return;
        }
        eof = true;
        closing = true;
        if (buffer.isEmpty()) {
            setInterest(SelectionKey.OP_READ, false);
            connLost++;
            io.callSoonInternal(() -> callConnectionLost(null));
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    long bufferSize() {
        return buffer.size();
    }

    @Override
    void clearBuffer() {
        buffer.clear();
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        checkThread("Transport.setProtocol()");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }
}
