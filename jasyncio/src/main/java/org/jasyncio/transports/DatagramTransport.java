package org.jasyncio.transports;

import java.net.SocketAddress;

/**
 * A UDP endpoint; asyncio's {@code asyncio.DatagramTransport}. Made by
 * {@link org.jasyncio.EventLoop#createDatagramEndpoint createDatagramEndpoint}; a
 * {@link DatagramProtocol} receives the datagrams.
 *
 * <p>Sending never suspends: a datagram the kernel cannot take at once is buffered, with
 * the same high/low-water flow control as {@link WriteTransport}. An error on sending (for
 * example a message too long) goes to the protocol's
 * {@link DatagramProtocol#errorReceived errorReceived}, as in asyncio.
 *
 * <p>Loop-affine, as {@link BaseTransport}.
 *
 * @since 0.1
 */
public interface DatagramTransport extends BaseTransport {
    /**
     * Sends one datagram to {@code address}; asyncio's {@code sendto(data, addr)}.
     *
     * @param data the payload; not {@code null}; copied if buffered
     * @param address where to send it; {@code null} (or the remote address) on an endpoint
     *        made with a remote address
     * @throws IllegalArgumentException if the endpoint has a remote address and
     *         {@code address} is another one, or if it has none and {@code address} is
     *         {@code null}. After {@link #close()} (once the queued datagrams are sent) or
     *         {@link #abort()}, the datagram is dropped, as in asyncio (a warning from the
     *         fifth)
     */
    void sendto(byte[] data, SocketAddress address);

    /**
     * Sends one datagram to the remote address the endpoint was made with; asyncio's
     * {@code sendto(data)}.
     *
     * @param data the payload; not {@code null}
     * @throws IllegalArgumentException if the endpoint has no remote address
     */
    default void sendto(byte[] data) {
        sendto(data, null);
    }

    /**
     * Closes the endpoint at once, dropping buffered datagrams; asyncio's {@code abort()}.
     */
    void abort();

    /**
     * Returns how many payload bytes wait in the buffer; asyncio's
     * {@code get_write_buffer_size()}.
     *
     * @return bytes not yet sent
     */
    long getWriteBufferSize();

    /**
     * Sets the buffer sizes at which the protocol is paused and resumed, as
     * {@link WriteTransport#setWriteBufferLimits}.
     *
     * @param high bytes above which {@code pauseWriting} is called, or -1 for 64 KiB
     * @param low bytes at or below which {@code resumeWriting} is called, or -1 for
     *        {@code high / 4}
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);
}
