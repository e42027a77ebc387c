package org.jasyncio.transports;

import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.util.List;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;

/**
 * A listening server made by {@link EventLoop#createServer createServer},
 * {@link EventLoop#createUnixServer createUnixServer} or the streams' {@code startServer};
 * asyncio's {@code asyncio.Server}.
 *
 * <pre>{@code
 * try (Server server = loop.createServer(Echo::new, "127.0.0.1", 8888)) {
 *     System.out.println("serving on " + server.addresses());
 *     server.serveForever();   // until the task is cancelled
 * }
 * }</pre>
 *
 * <p>Closing ({@link #close()}, which try-with-resources calls) stops listening; the
 * connections already accepted live on until they close. {@link #waitClosed()} waits for
 * that, {@link #closeClients()} and {@link #abortClients()} hurry it (Python 3.13).
 *
 * <p>Loop-affine: call its methods on its loop's thread. The server of a loop group
 * ({@code org.jasyncio.group.LoopGroup#createServer}) is the exception: it listens on every
 * loop of the group, and its methods may be called from any thread or task.
 *
 * @since 0.1
 */
public sealed interface Server extends AutoCloseable
        permits org.jasyncio.internal.net.SocketServer, org.jasyncio.internal.group.GroupServer {
    /**
     * Returns the loop the server runs on; asyncio's {@code get_loop()}.
     *
     * @return the loop
     */
    EventLoop getLoop();

    /**
     * Tells whether the server accepts connections; asyncio's {@code is_serving()}.
     *
     * @return {@code true} between start of serving and {@link #close()}
     */
    boolean isServing();

    /**
     * Starts accepting connections, if not already, and lets the loop run once; asyncio's
     * {@code start_serving()}.
     *
     * <h4>Cancellation</h4>
     * The server accepts whether or not the caller is cancelled during the brief
     * suspension.
     *
     * @throws IllegalStateException if the server is closed, or if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    void startServing();

    /**
     * Accepts connections until the calling task is cancelled; asyncio's
     * {@code serve_forever()}. Starts serving if needed.
     *
     * <h4>Cancellation</h4>
     * Cancelling the caller closes the server, waits for {@link #waitClosed()}, and then
     * throws the cancellation.
     *
     * @throws IllegalStateException if the server is closed, another task already serves it
     *         forever, or if called outside a task
     * @throws CancelledError when the calling task is cancelled, or the server is closed by
     *         someone else
     */
    void serveForever();

    /**
     * Stops listening: the listening sockets are closed (and a Unix server's socket file
     * removed); accepted connections stay open. asyncio's {@code close()}. Never suspends;
     * closing twice does nothing.
     */
    @Override
    void close();

    /**
     * Closes every accepted connection that is still open, gracefully (buffered data is
     * sent); asyncio's {@code close_clients()} (3.13).
     */
    void closeClients();

    /**
     * Aborts every accepted connection that is still open, dropping buffered data; asyncio's
     * {@code abort_clients()} (3.13).
     */
    void abortClients();

    /**
     * Waits until the server is closed and every connection it accepted is closed; asyncio's
     * {@code wait_closed()}. Returns at once if that is already so.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: nothing is lost if the caller is cancelled.
     *
     * @throws IllegalStateException if called outside a task of the server's loop
     * @throws CancelledError if the calling task is cancelled
     */
    void waitClosed();

    /**
     * Returns the listening channels; asyncio's {@code sockets}. Do not accept on them, nor
     * close or reconfigure them.
     *
     * @return the channels, empty once the server is closed
     */
    List<NetworkChannel> sockets();

    /**
     * Returns the addresses the server listens on (with the ports the system chose when
     * port 0 was asked for).
     *
     * @return the addresses, empty once the server is closed
     */
    List<SocketAddress> addresses();

    /**
     * Returns how many accepted connections are still open.
     *
     * @return the count
     */
    int activeConnections();
}
