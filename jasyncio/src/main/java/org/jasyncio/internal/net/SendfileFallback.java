package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.BufferedProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Transport;

/**
 * The read-and-write path of sendfile (CPython's {@code base_events._sendfile_fallback},
 * {@code _SendfileFallbackProtocol} and {@code _sock_sendfile_fallback}): the file is read in
 * chunks in the loop's default executor (file reads never run on the loop thread), and each
 * chunk is written through the transport, or sent on the socket.
 *
 * <p>Flow control: for a transport, this protocol stands in for the application's while the
 * transfer runs (reading is paused), so it hears the transport's {@code pauseWriting} and
 * {@code resumeWriting}; before each chunk it waits while writing is paused. The transport's
 * buffer therefore stays below its high-water mark plus one chunk, however slow the peer.
 * Afterwards the application's protocol is put back and told of any change in the paused state.
 *
 * <p>Loop-affine: runs in a task of the transport's loop.
 */
final class SendfileFallback implements Protocol {
    /** Chunk read per executor call for a transport (bounded memory: one chunk). */
    static final int TRANSPORT_CHUNK = 64 * 1024;
    /** asyncio's SENDFILE_FALLBACK_READBUFFER_SIZE, for sockets. */
    static final int SOCKET_CHUNK = 256 * 1024;

    private final EventLoop loop;
    private final Transport transport;
    private final BaseProtocol proto;
    private final boolean shouldResumeReading;
    private final boolean wasPaused;
    /** Pending while the transport has paused writing. */
    private Future<Void> writeReady;

    private SendfileFallback(EventLoop loop, Transport transport, boolean paused) {
        this.loop = loop;
        this.transport = transport;
        this.proto = transport.getProtocol();
        this.shouldResumeReading = transport.isReading();
        this.wasPaused = paused;
        transport.pauseReading();
        transport.setProtocol(this);
        if (paused) {
            writeReady = loop.createFuture();
        }
    }

    /** Sends through {@code transport}; {@code paused}: whether its protocol is paused now. */
    static long toTransport(EventLoop loop, Transport transport, boolean paused, FileChannel file, long offset,
            long count) throws IOException {
        SendfileFallback p = new SendfileFallback(loop, transport, paused);
        long total = 0;
        try {
            ByteBuffer buf = ByteBuffer.allocate(chunk(TRANSPORT_CHUNK, count));
            while (true) {
                int n = readChunk(loop, file, buf, offset + total, count < 0 ? -1 : count - total);
                if (n <= 0) {
                    return total;
                }
                p.drain();
                transport.write(buf.array(), 0, n);
                total += n;
            }
        } finally {
            if (total > 0 && file.isOpen()) {
                file.position(offset + total);
            }
            p.restore();
        }
    }

    /** Sends on {@code sock} with {@code sockSendall}. */
    static long toSocket(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count)
            throws IOException {
        long total = 0;
        try {
            ByteBuffer buf = ByteBuffer.allocate(chunk(SOCKET_CHUNK, count));
            while (true) {
                int n = readChunk(loop, file, buf, offset + total, count < 0 ? -1 : count - total);
                if (n <= 0) {
                    return total;
                }
                SockOps.sendall(loop, sock, ByteBuffer.wrap(buf.array(), 0, n));
                total += n;
            }
        } finally {
            if (total > 0 && file.isOpen()) {
                file.position(offset + total);
            }
        }
    }

    private static int chunk(int size, long count) {
        return count < 0 ? size : (int) Math.min(size, count);
    }

    /**
     * Reads up to {@code left} bytes (-1: no limit) at {@code position} in the default executor;
     * the count, or 0 when there is nothing left to send.
     */
    private static int readChunk(EventLoop loop, FileChannel file, ByteBuffer buf, long position, long left)
            throws IOException {
        if (left == 0) {
            return 0;
        }
        buf.clear();
        if (left > 0 && left < buf.capacity()) {
            buf.limit((int) left);
        }
        // a positional read: the channel's position is the caller's until the transfer ends
        Future<Integer> read = loop.runInExecutor(null, () -> file.read(buf, position));
        return Math.max(SockOps.awaitIo(read), 0);
    }

    /** Waits while the transport has paused writing; fails once the connection is closing. */
    private void drain() throws IOException {
        if (transport.isClosing()) {
            throw new SocketException("Connection closed by peer");
        }
        Future<Void> f = writeReady;
        if (f != null) {
            SockOps.awaitIo(f);
        }
    }

    /** Puts the application's protocol back and tells it of any change in the paused state. */
    private void restore() {
        transport.setProtocol(proto);
        if (shouldResumeReading) {
            transport.resumeReading();
        }
        boolean pausedNow = writeReady != null;
        if (writeReady != null) {
            // nobody awaits it any more
            writeReady.cancel();
            writeReady = null;
        }
        if (wasPaused && !pausedNow) {
            proto.resumeWriting();
        } else if (!wasPaused && pausedNow) {
            proto.pauseWriting();
        }
    }

    @Override
    public void connectionMade(BaseTransport t) {
        throw new IllegalStateException("Invalid state: connection should have been established already.");
    }

    @Override
    public void connectionLost(Exception exc) {
        Future<Void> f = writeReady;
        if (f != null) {
            writeReady = null;
            // the peer's disconnection is always an error here: the file was not all written
            f.trySetException(exc != null ? exc : new SocketException("Connection is closed by peer"));
        }
        proto.connectionLost(exc);
    }

    @Override
    public void pauseWriting() {
        if (writeReady == null) {
            writeReady = loop.createFuture();
        }
    }

    @Override
    public void resumeWriting() {
        Future<Void> f = writeReady;
        if (f != null) {
            writeReady = null;
            f.trySetResult(null);
        }
    }

    @Override
    public void dataReceived(byte[] data) {
        throw new IllegalStateException("Invalid state: reading should be paused");
    }

    /**
     * The end of the peer's stream can still come through a TLS transport whose reading is
     * paused (a close_notify): it goes to the application's protocol, which decides whether
     * the connection stays open (asyncio raises "reading should be paused" here).
     */
    @Override
    public boolean eofReceived() {
        return proto instanceof BufferedProtocol bp ? bp.eofReceived() : ((Protocol) proto).eofReceived();
    }

    @Override
    public String toString() {
        return "<SendfileFallback for " + proto + ">";
    }
}
