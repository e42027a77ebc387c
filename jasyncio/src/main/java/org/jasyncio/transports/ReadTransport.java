package org.jasyncio.transports;

/**
 * A transport that receives data; asyncio's {@code asyncio.ReadTransport}.
 *
 * <p>Loop-affine, as {@link BaseTransport}.
 *
 * @since 0.1
 */
public interface ReadTransport extends BaseTransport {
    /**
     * Tells whether the transport is receiving; asyncio's {@code is_reading()}.
     *
     * @return {@code false} once {@link #pauseReading()} was called (until
     *         {@link #resumeReading()}), or once the transport is closing
     */
    boolean isReading();

    /**
     * Stops calling the protocol with received data until {@link #resumeReading()};
     * asyncio's {@code pause_reading()}. The transport stops reading the channel, so the
     * peer is slowed down by TCP flow control once the kernel's buffers are full. Pausing a
     * paused or closing transport does nothing.
     */
    void pauseReading();

    /**
     * Resumes receiving after {@link #pauseReading()}; asyncio's {@code resume_reading()}.
     * Resuming a transport that is not paused, or is closing, does nothing.
     */
    void resumeReading();
}
