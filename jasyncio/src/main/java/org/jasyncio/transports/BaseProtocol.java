package org.jasyncio.transports;

/**
 * The callbacks every protocol receives; asyncio's {@code asyncio.BaseProtocol}.
 *
 * <p>A protocol is the application's side of a connection: the transport calls it, always
 * on the loop thread, one call at a time. Implement {@link Protocol} (data as byte arrays),
 * {@link BufferedProtocol} (data read straight into your buffer) or
 * {@link DatagramProtocol} (UDP); every method has an empty default, as asyncio's base
 * classes have.
 *
 * <p>Order of calls: {@code connectionMade} once, then any number of data calls, at most one
 * end-of-file call, then {@code connectionLost} once. {@code pauseWriting} and
 * {@code resumeWriting} alternate, starting with {@code pauseWriting}, between
 * {@code connectionMade} and {@code connectionLost}.
 *
 * <p>A callback that throws makes the transport close with that exception (it is reported
 * to the loop's exception handler, as asyncio's "Fatal error: protocol.data_received() call
 * failed."). Callbacks run on the loop thread outside any task: they must not suspend;
 * start a task ({@code loop.createTask}) for work that waits.
 *
 * @since 0.1
 */
public interface BaseProtocol {
    /**
     * Called when the connection is made; asyncio's {@code connection_made(transport)}.
     * Keep the transport to write to it later.
     *
     * @param transport the connection's transport: a {@link Transport} for stream
     *        connections, a {@link DatagramTransport} for UDP
     */
    default void connectionMade(BaseTransport transport) {}

    /**
     * Called once when the connection is lost or closed; asyncio's
     * {@code connection_lost(exc)}.
     *
     * @param exc {@code null} for a regular close or end of file; otherwise what broke the
     *        connection (for example a {@link java.net.SocketException} "Connection reset")
     */
    default void connectionLost(Exception exc) {}

    /**
     * Called when the transport's write buffer goes over its high-water mark; asyncio's
     * {@code pause_writing()}. Stop writing until {@link #resumeWriting()}.
     */
    default void pauseWriting() {}

    /**
     * Called when the transport's write buffer drains to its low-water mark after
     * {@link #pauseWriting()}; asyncio's {@code resume_writing()}.
     */
    default void resumeWriting() {}
}
