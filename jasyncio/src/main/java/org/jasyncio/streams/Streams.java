package org.jasyncio.streams;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;

/**
 * asyncio's stream functions: {@code open_connection}, {@code start_server} and their Unix
 * twins. Import them statically next to {@link Asyncio}'s:
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 * import static org.jasyncio.streams.Streams.*;
 *
 * run(() -> {
 *     try (Server server = startServer((reader, writer) -> {
 *         for (byte[] line : reader) {
 *             writer.write(line);
 *             writer.drain();
 *         }
 *         writer.close();
 *     }, "127.0.0.1", 8888)) {
 *         server.serveForever();
 *     }
 * });
 * }</pre>
 *
 * <p>They are the plain calls asyncio's coroutines are here: each suspends the calling
 * task and returns the result. They must be called inside a task.
 *
 * @since 0.1
 */
public final class Streams {
    private Streams() {}

    /**
     * Opens a TCP connection and returns its reader and writer; asyncio's
     * {@code open_connection(host, port)}.
     *
     * @param host a host name or IP literal
     * @param port 0 to 65535
     * @return the reader and the writer
     * @throws IOException see {@link EventLoop#createConnection(java.util.function.Supplier, String, int, ConnectionOptions)}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectionOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Opens a TCP connection, with TLS or a local address; asyncio's
     * {@code open_connection(host, port, ssl=..., ...)}.
     *
     * @param host a host name or IP literal
     * @param port 0 to 65535
     * @param options TLS, local address, happy eyeballs; not {@code null}
     * @return the reader and the writer
     * @throws IOException if connecting or the TLS handshake fails
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openConnection(String host, int port, ConnectionOptions options) throws IOException {
        return openConnection(host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Opens a TCP connection with a reader limit; asyncio's
     * {@code open_connection(host, port, limit=...)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no connection open.
     *
     * @param host a host name or IP literal
     * @param port 0 to 65535
     * @param options TLS, local address, happy eyeballs; not {@code null}
     * @param limit the reader's limit, in bytes (see {@link StreamReader})
     * @return the reader and the writer
     * @throws IOException if connecting or the TLS handshake fails
     * @throws IllegalArgumentException if {@code limit <= 0} or the port is out of range
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openConnection(String host, int port, ConnectionOptions options, int limit)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = loop.createConnection(() -> protocol, host, port, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * Opens a Unix domain stream connection; asyncio's {@code open_unix_connection(path)}.
     *
     * @param path the socket file
     * @return the reader and the writer
     * @throws IOException if connecting fails
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, ConnectionOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Opens a Unix domain stream connection with options and a reader limit.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no connection open.
     *
     * @param path the socket file
     * @param options TLS (with a server host name); not {@code null}
     * @param limit the reader's limit, in bytes
     * @return the reader and the writer
     * @throws IOException if connecting or the TLS handshake fails
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openUnixConnection(Path path, ConnectionOptions options, int limit) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = loop.createUnixConnection(() -> protocol, path, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * Starts a TCP server that runs {@code callback} in a new task for each client;
     * asyncio's {@code start_server(client_connected_cb, host, port)}.
     *
     * @param callback serves one client
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose
     * @return the server, accepting
     * @throws IOException if binding fails
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startServer(ClientConnectedCallback callback, String host, int port) throws IOException {
        return startServer(callback, host, port, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Starts a TCP server with options (backlog, TLS, ...).
     *
     * @param callback serves one client
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535
     * @param options the server options; not {@code null}
     * @return the server
     * @throws IOException if binding fails
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startServer(ClientConnectedCallback callback, String host, int port, ServerOptions options)
            throws IOException {
        return startServer(callback, host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Starts a TCP server with options and a reader limit; asyncio's
     * {@code start_server(client_connected_cb, host, port, limit=..., ...)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param callback serves one client; not {@code null}
     * @param host a host name or IP literal; {@code null} for all interfaces
     * @param port 0 to 65535
     * @param options the server options; not {@code null}
     * @param limit each reader's limit, in bytes
     * @return the server
     * @throws IOException if binding fails
     * @throws IllegalArgumentException if {@code limit <= 0} or the port is out of range
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startServer(ClientConnectedCallback callback, String host, int port, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit); // validates the limit now rather than at the first client
        return Asyncio.getRunningLoop().createServer(
                () -> new StreamReaderProtocol(new StreamReader(limit), callback), host, port, options);
    }

    /**
     * Starts a Unix domain socket server; asyncio's
     * {@code start_unix_server(client_connected_cb, path)}.
     *
     * @param callback serves one client
     * @param path the socket file
     * @return the server
     * @throws IOException if binding fails
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startUnixServer(ClientConnectedCallback callback, Path path) throws IOException {
        return startUnixServer(callback, path, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Starts a Unix domain socket server with options and a reader limit.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param callback serves one client; not {@code null}
     * @param path the socket file
     * @param options the server options; not {@code null}
     * @param limit each reader's limit, in bytes
     * @return the server
     * @throws IOException if binding fails
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startUnixServer(ClientConnectedCallback callback, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit);
        return Asyncio.getRunningLoop().createUnixServer(
                () -> new StreamReaderProtocol(new StreamReader(limit), callback), path, options);
    }

    // ---- over channels the caller made (asyncio's sock=) ------------------------------------

    /**
     * Wraps a connected stream channel (TCP or Unix) in a reader and a writer; asyncio's
     * {@code open_connection(sock=sock, limit=..., ssl=...)}. The channel belongs to the
     * writer's transport from then on; see
     * {@link EventLoop#createConnection(java.util.function.Supplier, SocketChannel, ConnectionOptions)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the channel.
     *
     * @param sock a connected channel
     * @param options TLS (with a server host name); not {@code null}
     * @param limit the reader's limit, in bytes
     * @return the reader and the writer
     * @throws IOException if the channel cannot be set up or the TLS handshake fails
     * @throws IllegalArgumentException if {@code limit <= 0}, or the channel is closed or not
     *         connected, or the options ask for what a connected channel cannot do (a local
     *         address, happy eyeballs, TLS without a server host name)
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openConnection(SocketChannel sock, ConnectionOptions options, int limit)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = loop.createConnection(() -> protocol, sock, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * Wraps a connected channel with the default options and limit; see
     * {@link #openConnection(SocketChannel, ConnectionOptions, int)}.
     *
     * @param sock a connected channel
     * @return the reader and the writer
     * @throws IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed or not connected
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openConnection(SocketChannel sock) throws IOException {
        return openConnection(sock, ConnectionOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Wraps a connected Unix domain channel; asyncio's {@code open_unix_connection(sock=sock)}.
     *
     * @param sock a connected Unix domain channel
     * @param options TLS (with a server host name); not {@code null}
     * @param limit the reader's limit, in bytes
     * @return the reader and the writer
     * @throws IOException if the channel cannot be set up or the TLS handshake fails
     * @throws IllegalArgumentException as {@link #openConnection(SocketChannel, ConnectionOptions, int)},
     *         or if the channel is not a Unix domain socket
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamPair openUnixConnection(SocketChannel sock, ConnectionOptions options, int limit)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = loop.createUnixConnection(() -> protocol, sock, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * Serves on a listening channel made elsewhere, a task per client; asyncio's
     * {@code start_server(client_connected_cb, sock=sock, limit=...)}. See
     * {@link EventLoop#createServer(java.util.function.Supplier, ServerSocketChannel, ServerOptions)}.
     *
     * @param callback serves one client; not {@code null}
     * @param sock a bound channel (TCP or Unix)
     * @param options TLS, start of serving; not {@code null}
     * @param limit each reader's limit, in bytes
     * @return the server
     * @throws IOException if the channel cannot be set up
     * @throws IllegalArgumentException if {@code limit <= 0}, or the channel is closed or not
     *         bound
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startServer(ClientConnectedCallback callback, ServerSocketChannel sock, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit);
        return Asyncio.getRunningLoop().createServer(
                () -> new StreamReaderProtocol(new StreamReader(limit), callback), sock, options);
    }

    /**
     * Serves on a listening channel with the default options and limit; see
     * {@link #startServer(ClientConnectedCallback, ServerSocketChannel, ServerOptions, int)}.
     *
     * @param callback serves one client; not {@code null}
     * @param sock a bound channel
     * @return the server, accepting
     * @throws IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed or not bound
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startServer(ClientConnectedCallback callback, ServerSocketChannel sock) throws IOException {
        return startServer(callback, sock, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Serves on a listening Unix domain channel made elsewhere; asyncio's
     * {@code start_unix_server(client_connected_cb, sock=sock)}.
     *
     * @param callback serves one client; not {@code null}
     * @param sock a bound Unix domain channel
     * @param options TLS, start of serving; not {@code null}
     * @param limit each reader's limit, in bytes
     * @return the server
     * @throws IOException if the channel cannot be set up
     * @throws IllegalArgumentException if {@code limit <= 0}, or the channel is closed, not
     *         bound, or not a Unix domain socket
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Server startUnixServer(ClientConnectedCallback callback, ServerSocketChannel sock,
            ServerOptions options, int limit) throws IOException {
        Objects.requireNonNull(callback, "callback");
        new StreamReader(limit);
        return Asyncio.getRunningLoop().createUnixServer(
                () -> new StreamReaderProtocol(new StreamReader(limit), callback), sock, options);
    }
}
