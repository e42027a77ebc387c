package org.jasyncio.transports;

import java.nio.ByteBuffer;

/**
 * A stream protocol that owns its receive buffer: the transport reads straight into it,
 * with no copy and no allocation per read; asyncio's {@code asyncio.BufferedProtocol}.
 *
 * <p>For each read the transport calls {@link #getBuffer(int)}, reads into the returned
 * buffer from its position (advancing the position), and calls
 * {@link #bufferUpdated(int)} with the number of bytes read.
 *
 * <pre>{@code
 * final class EchoBuffered implements BufferedProtocol {
 *     private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
 *     private Transport transport;
 *
 *     public void connectionMade(BaseTransport t) { transport = (Transport) t; }
 *     public ByteBuffer getBuffer(int sizeHint) { return buf.clear(); }
 *     public void bufferUpdated(int nbytes) { transport.write(buf.flip()); }
 * }
 * }</pre>
 *
 * <p>The buffer need not be the protocol's alone: a protocol that consumes the bytes within
 * {@code bufferUpdated} (an echo writes them back: the transport copies whatever the kernel does
 * not take at once) can share one buffer with the other connections of its loop, whose callbacks
 * never overlap. The kernel then reads into memory that is still in the CPU's cache, as with
 * Netty's pooled buffers ({@code echo-server --buffered} does this).
 *
 * <p>Callbacks run on the loop thread; see {@link BaseProtocol}.
 *
 * @since 0.1
 */
public interface BufferedProtocol extends BaseProtocol {
    /**
     * Returns the buffer to read the next bytes into; asyncio's {@code get_buffer(sizehint)}.
     *
     * @param sizeHint the size the transport would like to read, or -1 when it has no
     *        preference; a hint only
     * @return a buffer with at least one byte between its position and its limit, heap or
     *         direct; an empty buffer is a fatal error that closes the transport
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * Called after {@code nbytes} were read into the buffer {@link #getBuffer} returned, at
     * its former position; asyncio's {@code buffer_updated(nbytes)}.
     *
     * @param nbytes at least 1
     */
    void bufferUpdated(int nbytes);

    /**
     * Called when the peer closed its sending side; as {@link Protocol#eofReceived()}.
     *
     * @return {@code false} to let the transport close itself, {@code true} to keep it open
     */
    default boolean eofReceived() {
        return false;
    }
}
