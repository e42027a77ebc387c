package org.jasyncio.streams;

import java.io.IOException;
import java.util.Objects;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;
import org.jasyncio.transports.WriteTransport;

/**
 * Writes bytes to a connection, with {@link #drain()} to wait while the peer is slower than
 * the writer; asyncio's {@code asyncio.StreamWriter}.
 *
 * <pre>{@code
 * for (byte[] chunk : chunks) {
 *     writer.write(chunk);
 *     writer.drain();      // waits while the transport's buffer is over its high-water mark
 * }
 * writer.close();
 * writer.waitClosed();
 * }</pre>
 *
 * <p>{@link #write} never suspends; it buffers what the kernel cannot take at once. Without
 * {@code drain()} a fast writer makes that buffer grow without bound; with it, memory stays
 * bounded by the transport's high-water mark (64 KiB by default, see
 * {@link WriteTransport#setWriteBufferLimits}).
 *
 * <p>Loop-affine: use it in tasks of one loop.
 *
 * @since 0.1
 */
public final class StreamWriter {
    private WriteTransport transport;
    private final StreamReaderProtocol protocol;
    private final FlowControl flow;
    private final StreamReader reader;

    /**
     * Makes a writer over a connection driven by a {@link StreamReaderProtocol}; asyncio's
     * {@code StreamWriter(transport, protocol, reader, loop)}.
     *
     * @param transport the transport; not {@code null}
     * @param protocol the transport's protocol; not {@code null}
     * @param reader the connection's reader, whose exception {@link #drain()} reports, or
     *        {@code null}
     */
    public StreamWriter(WriteTransport transport, StreamReaderProtocol protocol, StreamReader reader) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.flow = protocol.flowControl();
        this.reader = reader;
    }

    /**
     * Makes a writer over any write transport whose protocol forwards its flow-control
     * events to {@code flowControl} (a subprocess pipe, for example).
     *
     * @param transport the transport; not {@code null}
     * @param flowControl the flow-control state its protocol keeps; not {@code null}
     * @param reader a reader whose exception {@link #drain()} reports, or {@code null}
     */
    public StreamWriter(WriteTransport transport, FlowControl flowControl, StreamReader reader) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.protocol = null;
        this.flow = Objects.requireNonNull(flowControl, "flowControl");
        this.reader = reader;
    }

    /**
     * Returns the transport; asyncio's {@code transport}.
     *
     * @return the transport (the TLS one after {@link #startTls})
     */
    public WriteTransport transport() {
        return transport;
    }

    /**
     * Writes {@code data}; never suspends. asyncio's {@code write()}. Follow with
     * {@link #drain()} when writing much.
     *
     * @param data the bytes; not {@code null}; copied if buffered
     * @throws IllegalStateException if {@link #writeEof()} was called; after
     *         {@link #close()}, or once the connection is lost, the data is dropped as in
     *         asyncio ({@link #drain()} reports a lost connection)
     */
    public void write(byte[] data) {
        transport.write(data);
    }

    /**
     * Writes {@code len} bytes of {@code data} from {@code off}; never suspends.
     *
     * @param data the bytes; not {@code null}
     * @param off where to start
     * @param len how many
     * @throws IndexOutOfBoundsException if the range is outside {@code data}
     * @throws IllegalStateException as {@link #write(byte[])}
     */
    public void write(byte[] data, int off, int len) {
        transport.write(data, off, len);
    }

    /**
     * Writes each array in order; never suspends. asyncio's {@code writelines()}.
     *
     * @param data the arrays; not {@code null}
     * @throws IllegalStateException as {@link #write(byte[])}
     */
    public void writelines(Iterable<byte[]> data) {
        transport.writelines(data);
    }

    /**
     * Closes the sending side once the buffer is sent (the peer reads end of stream);
     * asyncio's {@code write_eof()}.
     *
     * @throws UnsupportedOperationException over TLS (see {@link #canWriteEof()})
     */
    public void writeEof() {
        transport.writeEof();
    }

    /**
     * Tells whether {@link #writeEof()} is supported; asyncio's {@code can_write_eof()}.
     *
     * @return {@code false} over TLS
     */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /**
     * Closes the connection once the buffer is sent; never suspends. asyncio's
     * {@code close()}; follow with {@link #waitClosed()} to wait until it is closed.
     */
    public void close() {
        transport.close();
    }

    /**
     * Tells whether the connection is closing or closed; asyncio's {@code is_closing()}.
     *
     * @return {@code true} once closing
     */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits until the connection is closed; asyncio's {@code wait_closed()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: nothing is lost.
     *
     * @throws IOException the error that broke the connection, if one did
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void waitClosed() throws IOException {
        flow.awaitClosed();
    }

    /**
     * Returns a piece of information about the connection; asyncio's
     * {@code get_extra_info(name)}. See {@link BaseTransport} for the names.
     *
     * @param name the name
     * @return the value, or {@code null}
     */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /**
     * Returns a piece of information about the connection, or {@code defaultValue}.
     *
     * @param name the name
     * @param defaultValue what to return when there is none
     * @return the value, or {@code defaultValue}
     */
    public Object getExtraInfo(String name, Object defaultValue) {
        return transport.getExtraInfo(name, defaultValue);
    }

    /**
     * Waits until it is appropriate to write more: returns at once unless the transport's
     * buffer is over its high-water mark, then waits until it drains to the low-water mark;
     * asyncio's {@code drain()}. Raises the connection's error, so that a writer learns that
     * its peer is gone.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: the data written stays buffered and is still sent.
     *
     * @throws IOException "Connection lost" when the connection is closed or lost, or the
     *         error that broke it (for example {@link java.net.SocketException} "Connection
     *         reset"), or the reader's exception
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void drain() throws IOException {
        if (reader != null) {
            Throwable e = reader.exception();
            if (e != null) {
                throw StreamReader.asIo(e);
            }
        }
        if (transport.isClosing()) {
            // Let connectionLost run, so that a write-drain loop sees the connection's end.
            Asyncio.sleep(0);
        }
        flow.drain();
    }

    /**
     * Upgrades the connection to TLS; asyncio's {@code start_tls()} (3.11). Waits for the
     * buffered data to be sent, then for the handshake. A writer made by
     * {@link Streams#startServer} acts as the TLS server, others as the client (the TLS
     * options then need a server host name).
     *
     * <h4>Cancellation</h4>
     * If cancelled during the handshake, the connection is closed.
     *
     * @param tls the TLS options; not {@code null}
     * @throws IOException if the handshake fails (the connection is then closed)
     * @throws IllegalStateException if this writer was not made over a socket connection
     *         with a {@link StreamReaderProtocol}, or called outside a task
     * @throws IllegalArgumentException if a client upgrade has no server host name
     * @throws CancelledError if the calling task is cancelled
     */
    public void startTls(TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        if (protocol == null || !(transport instanceof Transport t)) {
            throw new IllegalStateException("startTls() needs a socket connection driven by a StreamReaderProtocol");
        }
        drain();
        Transport upgraded = Asyncio.getRunningLoop().startTls(t, protocol, tls, protocol.isServerSide());
        transport = upgraded;
        protocol.replaceTransport(upgraded);
    }

    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader == null ? "" : " reader=" + reader) + ">";
    }
}
