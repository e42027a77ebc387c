package org.jasyncio.transports;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A transport that sends data; asyncio's {@code asyncio.WriteTransport}.
 *
 * <h2>Writes never suspend</h2>
 * {@link #write(byte[])} sends what the kernel takes at once and buffers the rest, to be
 * sent when the channel is writable. When the buffer grows past the high-water mark the
 * transport calls the protocol's {@link BaseProtocol#pauseWriting()}; when it drains below
 * the low-water mark, {@link BaseProtocol#resumeWriting()}. A protocol that keeps writing
 * after {@code pauseWriting} makes the buffer, and the memory it takes, grow without bound;
 * {@link org.jasyncio.streams.StreamWriter#drain()} waits for {@code resumeWriting} for you.
 *
 * <h2>Writes after close</h2>
 * As in asyncio, a write never fails because the connection is closing or gone. After
 * {@link #close()}, while data written before it is still being sent, a write joins that data
 * (TLS transports drop it: their close starts the TLS shutdown at once); once the buffer is
 * empty, after {@link #abort()}, or after the connection was lost by itself (the peer reset
 * it, an I/O error), the data is dropped: the protocol learns of the loss through
 * {@link BaseProtocol#connectionLost} (and {@code StreamWriter.drain()} raises it), and the
 * fifth and later dropped writes are logged as a warning. The pipe transports of
 * subprocesses throw {@link IllegalStateException} for a write after their own
 * {@code close()} instead (see their documentation).
 *
 * <p>Loop-affine, as {@link BaseTransport}.
 *
 * @since 0.1
 */
public interface WriteTransport extends BaseTransport {
    /**
     * Sends {@code data}, buffering what cannot be sent at once; asyncio's {@code write()}.
     * Never suspends. The transport copies what it buffers: the array may be reused as soon
     * as this returns.
     *
     * @param data the bytes; not {@code null}; empty sends nothing
     * @throws IllegalStateException if {@link #writeEof()} was called (asyncio's
     *         {@code RuntimeError}), or, on a subprocess pipe, after its own {@code close()};
     *         see "Writes after close" above
     */
    void write(byte[] data);

    /**
     * Sends {@code len} bytes of {@code data} from {@code off}.
     *
     * @param data the bytes; not {@code null}
     * @param off where to start
     * @param len how many bytes
     * @throws IndexOutOfBoundsException if the range is outside {@code data}
     * @throws IllegalStateException as {@link #write(byte[])}
     */
    void write(byte[] data, int off, int len);

    /**
     * Sends the remaining bytes of {@code data} and advances its position to its limit.
     * Never suspends; what is buffered is copied, so the buffer may be reused at once.
     *
     * @param data the bytes between position and limit; heap or direct
     * @throws IllegalStateException as {@link #write(byte[])}
     */
    void write(ByteBuffer data);

    /**
     * Sends each array in order, as one write; asyncio's {@code writelines()}. By default, as
     * asyncio's base {@code WriteTransport} does, the arrays are joined into one and passed to
     * {@link #write(byte[], int, int)}; {@code data} is iterated once, so a one-shot
     * {@code Iterable} works too. Nothing is written if an argument is refused.
     *
     * @param data the arrays; not {@code null}, no {@code null} element
     * @throws NullPointerException if {@code data} or one of its elements is {@code null}
     * @throws IllegalArgumentException if the arrays hold more than {@code Integer.MAX_VALUE}
     *         bytes in all (the most one write takes)
     * @throws IllegalStateException as {@link #write(byte[])}
     */
    default void writelines(Iterable<byte[]> data) {
        Objects.requireNonNull(data, "data");
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (byte[] b : data) {
            parts.add(Objects.requireNonNull(b, "data element"));
            total += b.length;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("writelines(): the arrays hold " + total
                    + " bytes in all, more than one write takes (Integer.MAX_VALUE)");
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        write(all, 0, all.length);
    }

    /**
     * Closes the sending side after the buffered data is sent (a TCP half-close: the peer
     * reads end of stream, and may keep sending); asyncio's {@code write_eof()}. Calling it
     * again, or on a closing transport, does nothing.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof()} is {@code false}
     *         (TLS cannot half-close)
     */
    void writeEof();

    /**
     * Tells whether {@link #writeEof()} is supported; asyncio's {@code can_write_eof()}.
     *
     * @return {@code true} for TCP and Unix sockets, {@code false} for TLS
     */
    boolean canWriteEof();

    /**
     * Closes the transport at once, dropping buffered data; asyncio's {@code abort()}.
     * {@link BaseProtocol#connectionLost connectionLost(null)} follows on a later iteration.
     */
    void abort();

    /**
     * Sets the buffer sizes at which the protocol is paused and resumed; asyncio's
     * {@code set_write_buffer_limits(high, low)}. Pass {@code -1} for a default: 64 KiB for
     * {@code high} (or {@code 4 * low} when only {@code low} is given), {@code high / 4}
     * for {@code low}.
     *
     * @param high bytes in the buffer above which {@code pauseWriting} is called, or -1
     * @param low bytes at or below which {@code resumeWriting} is called, or -1
     * @throws IllegalArgumentException unless {@code high >= low >= 0} once the defaults are
     *         applied
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * Returns the current limits; asyncio's {@code get_write_buffer_limits()}.
     *
     * @return {@code {low, high}}, in bytes
     */
    int[] getWriteBufferLimits();

    /**
     * Returns how many bytes wait in the buffer; asyncio's
     * {@code get_write_buffer_size()}.
     *
     * @return bytes not yet handed to the kernel
     */
    long getWriteBufferSize();
}
