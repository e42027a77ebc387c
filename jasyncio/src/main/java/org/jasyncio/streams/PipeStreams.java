package org.jasyncio.streams;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.WriteTransport;

/**
 * A {@link StreamReader} over a read pipe and a {@link StreamWriter} over a write pipe: asyncio's
 * idiom around {@code connect_read_pipe} and {@code connect_write_pipe}, in one call each.
 *
 * <pre>{@code
 * // asyncio:
 * //   reader = asyncio.StreamReader()
 * //   await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
 * StreamReader stdin = PipeStreams.openReadPipe(FileDescriptor.in);
 * StreamWriter stdout = PipeStreams.openWritePipe(FileDescriptor.out);
 * for (byte[] line : stdin) {
 *     stdout.write(line);
 *     stdout.drain();
 * }
 * }</pre>
 *
 * <p>Each form takes what the loop's {@code connectReadPipe} / {@code connectWritePipe} take
 * (a channel, a stream, a {@link FileDescriptor} of this process or the {@link Path} of a FIFO)
 * and has their semantics; see {@link EventLoop#connectReadPipe(Supplier, ReadableByteChannel)}.
 * The reader pauses the pipe while it holds more than twice its limit (64 KiB by default), as
 * a connection's does. The writer's {@link StreamWriter#drain()} waits while the pipe's buffer
 * is over its high-water mark and raises the {@code BrokenPipeError} of a closed reader.
 *
 * <p>Call them inside a task; the reader and the writer then belong to its loop.
 *
 * @since 0.1
 */
public final class PipeStreams {
    private PipeStreams() {}

    /** One of the loop's connect methods, for a protocol made in advance. */
    @FunctionalInterface
    private interface Connect<C> {
        C connect(EventLoop loop, Supplier<StreamReaderProtocol> protocol) throws IOException;
    }

    private static StreamReader reader(Connect<?> connect) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        connect.connect(loop, () -> protocol);
        return reader;
    }

    private static StreamWriter writer(Connect<WriteTransport> connect) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        // its reader is never fed: the protocol is here for the flow control it keeps
        StreamReaderProtocol protocol = new StreamReaderProtocol(new StreamReader());
        WriteTransport transport = connect.connect(loop, () -> protocol);
        return new StreamWriter(transport, protocol, null);
    }

    /**
     * Returns a reader of the read end {@code pipe}; asyncio's {@code StreamReader} with a
     * {@code StreamReaderProtocol} given to {@code connect_read_pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the read end; the reader's transport owns it from now on
     * @return the reader; it reads end of file when every writer has closed the pipe
     * @throws IOException if a selectable channel cannot be registered with the loop's selector
     * @throws IllegalArgumentException if the channel is closed, or registered with another
     *         selector
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamReader openReadPipe(ReadableByteChannel pipe) throws IOException {
        return reader((loop, p) -> loop.connectReadPipe(p, pipe));
    }

    /**
     * Returns a reader of the stream {@code pipe}, for example {@link System#in}. A blocked read
     * of a stream cannot be cut short; {@link #openReadPipe(FileDescriptor)} with
     * {@link FileDescriptor#in} can.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the stream; the reader's transport owns it from now on
     * @return the reader
     * @throws IOException not thrown by this form; declared as by the others
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamReader openReadPipe(InputStream pipe) throws IOException {
        return reader((loop, p) -> loop.connectReadPipe(p, pipe));
    }

    /**
     * Returns a reader of a descriptor of this process: {@link FileDescriptor#in} reads stdin
     * line by line while the loop runs.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the descriptor; the reader's transport owns it from now on
     * @return the reader
     * @throws IOException not thrown by this form; declared as by the others
     * @throws IllegalArgumentException if the descriptor is not valid
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamReader openReadPipe(FileDescriptor pipe) throws IOException {
        return reader((loop, p) -> loop.connectReadPipe(p, pipe));
    }

    /**
     * Opens the FIFO {@code fifo} for reading (waiting for a writer, the loop running on) and
     * returns a reader of it.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call, also while the open waits, leaves nothing open.
     *
     * @param fifo the FIFO's path
     * @return the reader
     * @throws IOException if the path cannot be opened
     * @throws IllegalArgumentException if the path is a regular file or a directory
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamReader openReadPipe(Path fifo) throws IOException {
        return reader((loop, p) -> loop.connectReadPipe(p, fifo));
    }

    /**
     * Returns a writer of the write end {@code pipe}; asyncio's {@code StreamWriter} over
     * {@code connect_write_pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the write end; the writer's transport owns it from now on
     * @return the writer
     * @throws IOException if a selectable channel cannot be registered with the loop's selector
     * @throws IllegalArgumentException if the channel is closed, or registered with another
     *         selector
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamWriter openWritePipe(WritableByteChannel pipe) throws IOException {
        return writer((loop, p) -> loop.connectWritePipe(p, pipe).transport());
    }

    /**
     * Returns a writer of the stream {@code pipe}. A {@link java.io.PrintStream} such as
     * {@link System#out} hides write errors; {@link #openWritePipe(FileDescriptor)} with
     * {@link FileDescriptor#out} reports a closed reader.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the stream; the writer's transport owns it from now on
     * @return the writer
     * @throws IOException not thrown by this form; declared as by the others
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamWriter openWritePipe(OutputStream pipe) throws IOException {
        return writer((loop, p) -> loop.connectWritePipe(p, pipe).transport());
    }

    /**
     * Returns a writer of a descriptor of this process, {@link FileDescriptor#out} for stdout.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the pipe transport it made.
     *
     * @param pipe the descriptor; the writer's transport owns it from now on
     * @return the writer
     * @throws IOException not thrown by this form; declared as by the others
     * @throws IllegalArgumentException if the descriptor is not valid
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamWriter openWritePipe(FileDescriptor pipe) throws IOException {
        return writer((loop, p) -> loop.connectWritePipe(p, pipe).transport());
    }

    /**
     * Opens the FIFO {@code fifo} for writing (waiting for a reader, the loop running on) and
     * returns a writer of it.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call, also while the open waits, leaves nothing open.
     *
     * @param fifo the FIFO's path
     * @return the writer
     * @throws IOException if the path cannot be opened
     * @throws IllegalArgumentException if the path is a regular file or a directory
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static StreamWriter openWritePipe(Path fifo) throws IOException {
        return writer((loop, p) -> loop.connectWritePipe(p, fifo).transport());
    }
}
