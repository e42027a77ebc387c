package org.jasyncio.streams;

import java.util.Objects;

/**
 * What {@link Streams#openConnection} returns: the connection's reader and writer;
 * asyncio's {@code (reader, writer)} pair. Closing it closes the writer (and so the
 * connection), for try-with-resources.
 *
 * <pre>{@code
 * try (StreamPair s = Streams.openConnection("127.0.0.1", 8888)) {
 *     s.writer().write("ping\n".getBytes());
 *     byte[] reply = s.reader().readline();
 * }
 * }</pre>
 *
 * @param reader reads from the peer
 * @param writer writes to the peer
 * @since 0.1
 */
public record StreamPair(StreamReader reader, StreamWriter writer) implements AutoCloseable {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public StreamPair {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
    }

    /** Closes the writer, which closes the connection; never suspends. */
    @Override
    public void close() {
        writer.close();
    }
}
