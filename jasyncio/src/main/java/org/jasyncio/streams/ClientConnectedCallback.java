package org.jasyncio.streams;

/**
 * What {@link Streams#startServer} runs for each client, in a new task; asyncio's
 * {@code client_connected_cb(reader, writer)}.
 *
 * <p>If it throws, the exception is reported to the loop's exception handler ("Unhandled
 * exception in client_connected_cb") and the connection is closed, as in Python 3.12+. If it
 * returns, the connection stays open until the writer is closed.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ClientConnectedCallback {
    /**
     * Serves one client; runs in its own task, so it may suspend.
     *
     * @param reader reads from the client
     * @param writer writes to the client
     * @throws Exception anything; it is reported and closes the connection
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
