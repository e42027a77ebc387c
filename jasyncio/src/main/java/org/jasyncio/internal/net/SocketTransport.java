package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BufferedProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Transport;

/**
 * A TCP or Unix stream socket transport; CPython's {@code _SelectorSocketTransport}.
 *
 * <p>Hot path, on the loop thread, inline in the selector's dispatch: a readable event
 * reads into the loop's shared direct buffer (or straight into a
 * {@link BufferedProtocol}'s buffer), up to 16 (Netty's {@code maxMessagesPerRead}) times while reads
 * fill the buffer; {@code write} sends at once when nothing is buffered, and buffers only
 * what the kernel refused.
 */
public final class SocketTransport extends SelectorTransport implements Transport {
    private final SocketChannel ch;
    private final WriteBuffer buffer = new WriteBuffer();
    /** writeEof() was called. */
    private boolean eof;
    /** End of stream was read. */
    private boolean eofSeen;
    private boolean readingPaused;
    /** A zero-copy sendfile owns the socket's output: writes are refused until it ends. */
    NativeSendfile sendfile;

    /**
     * Makes the transport and schedules, for the next iteration, the protocol's
     * {@code connectionMade}, the start of reading and the completion of {@code waiter}.
     */
    SocketTransport(IoLoop io, SocketChannel ch, BaseProtocol protocol, Future<Void> waiter, SocketServer server)
            throws IOException {
        super(io, ch, checkProtocol(protocol), server);
        this.ch = ch;
        extra.put("socket", ch);
        try {
            extra.put("sockname", ch.getLocalAddress());
        } catch (IOException e) {
            // not bound: leave it out, as asyncio does
        }
        try {
            extra.put("peername", ch.getRemoteAddress());
        } catch (IOException e) {
            // not connected any more
        }
        register();
        io.callSoonInternal(() -> start(waiter));
    }

    private static BaseProtocol checkProtocol(BaseProtocol p) {
        Objects.requireNonNull(p, "protocol");
        if (!(p instanceof Protocol) && !(p instanceof BufferedProtocol)) {
            throw new IllegalArgumentException("a stream transport needs a Protocol or a BufferedProtocol, got "
                    + p.getClass().getName());
        }
        return p;
    }

    private void start(Future<Void> waiter) {
        protocolConnected = true;
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.connectionMade() call failed.");
            if (waiter != null) {
                waiter.trySetException(t);
            }
            return;
        }
        if (!closing && !readingPaused) {
            setInterest(SelectionKey.OP_READ, true);
        }
        if (waiter != null && !waiter.cancelled()) {
            waiter.trySetResult(null);
        }
    }

    SocketChannel channel() {
        return ch;
    }

    // ---- reading ------------------------------------------------------------------------

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_READ) != 0 && connLost == 0 && !readingPaused && hasInterest(SelectionKey.OP_READ)) {
            readReady();
        }
        if ((ops & SelectionKey.OP_WRITE) != 0 && k.isValid() && hasInterest(SelectionKey.OP_WRITE)) {
            writeReady();
        }
    }

    private void readReady() {
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            boolean more = protocol instanceof BufferedProtocol bp ? readBuffered(bp) : readCopied();
            if (!more || connLost > 0 || closing || readingPaused) {
                return;
            }
        }
    }

    /** One read for a Protocol; true if the buffer filled up (more may be waiting). */
    private boolean readCopied() {
        ByteBuffer buf = io.readBuffer();
        int n;
        try {
            n = ch.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return false;
        }
        if (n <= 0) {
            if (n < 0) {
                onEof();
            }
            return false;
        }
        byte[] data = new byte[n];
        buf.flip().get(data);
        try {
            ((Protocol) protocol).dataReceived(data);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.dataReceived() call failed.");
            return false;
        }
        return n == buf.capacity();
    }

    /** One read straight into a BufferedProtocol's buffer. */
    private boolean readBuffered(BufferedProtocol bp) {
        ByteBuffer buf;
        try {
            buf = bp.getBuffer(-1);
            if (buf == null || !buf.hasRemaining()) {
                throw new IllegalStateException("getBuffer() returned an empty buffer");
            }
            if (buf.isReadOnly()) {
                throw new IllegalStateException("getBuffer() returned a read-only buffer");
            }
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.getBuffer() call failed.");
            return false;
        }
        int room = buf.remaining();
        int n;
        try {
            n = buf.isDirect() ? ch.read(buf) : readIntoHeap(buf, room);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return false;
        }
        if (n <= 0) {
            if (n < 0) {
                onEof();
            }
            return false;
        }
        try {
            bp.bufferUpdated(n);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.bufferUpdated() call failed.");
            return false;
        }
        return n == room;
    }

    /**
     * Reads into a heap buffer through the loop's direct read buffer. The JDK would do the same
     * with a temporary direct buffer of its own, sized to the heap buffer's room, each read.
     */
    private int readIntoHeap(ByteBuffer heap, int room) throws IOException {
        ByteBuffer d = io.readBuffer();
        if (room < d.capacity()) {
            d.limit(room);
        }
        int n = ch.read(d);
        if (n > 0) {
            heap.put(heap.position(), d, 0, n);
            heap.position(heap.position() + n);
        }
        return n;
    }

    /** asyncio's _read_ready__on_eof. */
    private void onEof() {
        eofSeen = true;
        setInterest(SelectionKey.OP_READ, false);
        boolean keepOpen;
        try {
            keepOpen = protocol instanceof BufferedProtocol bp ? bp.eofReceived() : ((Protocol) protocol).eofReceived();
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (!keepOpen) {
            close();
        }
    }

    @Override
    public boolean isReading() {
        return !closing && !readingPaused;
    }

    @Override
    public void pauseReading() {
        checkThread("Transport.pauseReading()");
        if (closing || readingPaused) {
            return;
        }
        readingPaused = true;
        setInterest(SelectionKey.OP_READ, false);
    }

    @Override
    public void resumeReading() {
        checkThread("Transport.resumeReading()");
        if (closing || !readingPaused) {
            return;
        }
        readingPaused = false;
        if (!eofSeen && protocolConnected) {
            setInterest(SelectionKey.OP_READ, true);
        }
    }

    // ---- writing ------------------------------------------------------------------------

    @Override
    public void write(byte[] data) {
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
        boolean wasEmpty = buffer.isEmpty();
        try {
            buffer.send(ch, io.writeBuffer(), data, off, len);
        } catch (IOException e) {
            fatalError(e, "Fatal write error on socket transport");
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
        if (data.hasArray()) {
            int len = data.remaining();
            write(data.array(), data.arrayOffset() + data.position(), len);
            data.position(data.limit());
            return;
        }
        checkWrite();
        if (!data.hasRemaining()) {
            return;
        }
        if (connLost > 0) {
            data.position(data.limit());
            droppedWrite();
            return;
        }
        if (buffer.isEmpty()) {
            try {
                if (data.isDirect()) {
                    ch.write(data);
                } else {
                    ByteBuffer d = io.writeBuffer();
                    int lim = data.limit();
                    data.limit(data.position() + Math.min(data.remaining(), d.capacity()));
                    d.put(data).flip();
                    data.limit(lim);
                    int n = ch.write(d);
                    data.position(data.position() - d.remaining());
                    assert d.remaining() == d.limit() - n;
                }
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                data.position(data.limit());
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            setInterest(SelectionKey.OP_WRITE, true);
        }
        try {
            buffer.add(data);
        } catch (OutOfMemoryError e) {
            throw writeOutOfMemory(e);
        }
        maybePauseProtocol();
    }

    @Override
    public void writelines(Iterable<byte[]> data) {
        Objects.requireNonNull(data, "data");
        checkWrite();
        if (connLost > 0) {
            droppedWrite();
            return;
        }
        boolean wasEmpty = buffer.isEmpty();
        try {
            for (byte[] d : data) {
                buffer.add(Objects.requireNonNull(d, "data element"), 0, d.length);
            }
        } catch (OutOfMemoryError e) {
            throw writeOutOfMemory(e);
        }
        if (wasEmpty && !buffer.isEmpty()) {
            // One system call for all of them, as asyncio's writelines does with sendmsg.
            flushSome();
            if (connLost > 0) {
                return;
            }
            if (!buffer.isEmpty()) {
                setInterest(SelectionKey.OP_WRITE, true);
            }
        }
        maybePauseProtocol();
    }

    private void checkWrite() {
        checkThread("Transport.write()");
        if (eof) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        if (sendfile != null) {
            throw new IllegalStateException("unable to write; sendfile is in progress");
        }
    }

    /** Writes from the buffer until it is empty or the kernel refuses; false on error. */
    private boolean flushSome() {
        try {
            buffer.flush(ch, io.writeBuffer(), MAX_READS_PER_EVENT);
            return true;
        } catch (IOException e) {
            setInterest(SelectionKey.OP_WRITE, false);
            buffer.clear();
            fatalError(e, "Fatal write error on socket transport");
            return false;
        }
    }

    /** asyncio's _write_ready. */
    private void writeReady() {
        if (connLost > 0) {
            return;
        }
        if (!flushSome()) {
            return;
        }
        maybeResumeProtocol();
        if (buffer.isEmpty()) {
            if (sendfile != null) {
                // the buffer written before the sendfile is out: the file's turn
                sendfile.step();
                return;
            }
            setInterest(SelectionKey.OP_WRITE, false);
            if (closing) {
                connLost++;
                callConnectionLost(null);
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    private void shutdownOutput() {
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutting down the socket's output");
        }
    }

    @Override
    public void writeEof() {
        checkThread("Transport.writeEof()");
        if (closing || eof) {
            return;
        }
        eof = true;
        if (buffer.isEmpty()) {
            shutdownOutput();
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
    void connectionEnded(Exception exc) {
        NativeSendfile job = sendfile;
        if (job != null) {
            job.fail(exc != null ? exc : new SocketException("the connection was closed during sendfile: " + this));
        }
    }

    @Override
    void clearBuffer() {
        buffer.clear();
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        checkThread("Transport.setProtocol()");
        this.protocol = checkProtocol(protocol);
        protocolConnected = true;
    }
}
