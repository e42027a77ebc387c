package org.jasyncio.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantLock;

import org.jasyncio.CancelledError;

/**
 * An open file whose reads and writes suspend the calling task while the loop's default
 * executor does the blocking I/O; aiofiles' file object ({@code async with aiofiles.open(p) as
 * f}). Opened by {@link AsyncFiles#open(Path, java.nio.file.OpenOption...)}; use it in a
 * try-with-resources block:
 *
 * <pre>{@code
 * try (AsyncFile f = AsyncFiles.open(path)) {       // async with aiofiles.open(path) as f:
 *     for (String line : f.lines()) {                //     async for line in f:
 *         System.out.println(line);
 *     }
 * }
 * }</pre>
 *
 * <p>Bytes go through {@link #read(int)}, {@link #read()}, {@link #readline()} and
 * {@link #write(byte[])}; text through {@link #lines()}, {@link #readString()} and
 * {@link #writeString(CharSequence)}, in the charset given at open (UTF-8 by default). Reads
 * and writes move one position, as with Python's file objects and {@link FileChannel}.
 *
 * <p>Thread-safe: the operations of one file run one after the other, in the order they
 * reach the executor, from tasks of any loop. Every method but {@link #close()},
 * {@link #isOpen()}, {@link #path()} and {@link #charset()} suspends the calling task and must
 * be called inside a task.
 *
 * <h2>Cancellation</h2>
 * An operation whose task is cancelled before the executor started it does not happen. Once
 * started it runs to its end: a write is done, and the bytes a read took are lost (the
 * position has moved past them). {@link #close()} ends a read blocked on a pipe or FIFO.
 */
public final class AsyncFile implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final Charset charset;
    private final FileChannel channel;
    /** Held by the executor thread running one of this file's operations. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Read ahead by readline(): buf[start, end) came from the channel and was not returned yet. Guarded by lock. */
    private byte[] buf = EMPTY;
    private int start;
    private int end;

    AsyncFile(Path path, Charset charset, FileChannel channel) {
        this.path = path;
        this.charset = charset;
        this.channel = channel;
    }

    // ---- reading --------------------------------------------------------------------------------

    /**
     * Reads up to {@code n} bytes: fewer only when the end of the file comes first; aiofiles'
     * {@code await f.read(n)}.
     *
     * <h4>Cancellation</h4>
     * Once the read started, a cancelled task loses the bytes it read (see the class doc).
     *
     * @param n the most to read; 0 returns an empty array at once; negative reads to the end
     * @return the bytes; empty at the end of the file
     * @throws IOException if the read fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonReadableChannelException if the file was not opened for reading
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] read(int n) throws IOException {
        if (n < 0) {
            return read();
        }
        if (n == 0) {
            return EMPTY;
        }
        return io("read", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, CHUNK));
            int buffered = Math.min(n, end - start);
            out.write(buf, start, buffered);
            start += buffered;
            ByteBuffer b = ByteBuffer.allocate(Math.min(n, CHUNK));
            while (out.size() < n) {
                b.clear().limit(Math.min(b.capacity(), n - out.size()));
                if (channel.read(b) < 0) {
                    break;
                }
                out.write(b.array(), 0, b.position());
            }
            return out.toByteArray();
        });
    }

    /**
     * Reads everything from the position to the end of the file; aiofiles' {@code await f.read()}.
     *
     * <h4>Cancellation</h4>
     * Once the read started, a cancelled task loses the bytes it read (see the class doc).
     *
     * @return the bytes; empty at the end of the file
     * @throws IOException if the read fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonReadableChannelException if the file was not opened for reading
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] read() throws IOException {
        return io("read", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(buf, start, end - start);
            start = end;
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            while (channel.read(b.clear()) >= 0) {
                out.write(b.array(), 0, b.position());
            }
            return out.toByteArray();
        });
    }

    /**
     * Reads one line, up to and including {@code '\n'}; aiofiles' {@code await f.readline()}
     * on a binary file. The last line of a file may lack its newline.
     *
     * <h4>Cancellation</h4>
     * Once the read started, a cancelled task loses the line (see the class doc).
     *
     * @return the line with its newline; empty at the end of the file
     * @throws IOException if the read fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonReadableChannelException if the file was not opened for reading
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] readline() throws IOException {
        return io("readline", this::nextLine);
    }

    /**
     * Reads everything from the position to the end of the file and decodes it in the file's
     * charset; aiofiles' {@code await f.read()} on a text file.
     *
     * <h4>Cancellation</h4>
     * Once the read started, a cancelled task loses the text (see the class doc).
     *
     * @return the text; empty at the end of the file
     * @throws IOException if the read fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonReadableChannelException if the file was not opened for reading
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public String readString() throws IOException {
        return new String(read(), charset);
    }

    /**
     * Iterates over the rest of the file's lines, decoded in the file's charset, without
     * their terminators ({@code "\n"} or {@code "\r\n"}); aiofiles' {@code async for line in
     * f}. Each {@code hasNext()} suspends the calling task while the executor reads the next
     * line. The iterator throws {@link UncheckedIOException} where {@link #readline()} would
     * throw an {@link IOException}. A lone {@code '\r'} does not end a line (unlike
     * {@link java.io.BufferedReader#readLine()}).
     *
     * @return an iterable whose iterators share this file's position
     */
    public Iterable<String> lines() {
        return () -> new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    byte[] line;
                    try {
                        line = readline();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (line.length == 0) {
                        done = true;
                    } else {
                        next = decodeLine(line);
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String r = next;
                next = null;
                return r;
            }
        };
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Writes all of {@code data} at the position (at the end of the file when opened with
     * {@link java.nio.file.StandardOpenOption#APPEND}); aiofiles' {@code await f.write(data)}.
     *
     * <h4>Cancellation</h4>
     * Once the write started, it completes even if the task is cancelled (see the class doc).
     *
     * @param data the bytes; not {@code null}
     * @throws IOException if the write fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonWritableChannelException if the file was not opened for writing
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void write(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data.clone());
        io("write", () -> {
            dropReadAhead();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            return null;
        });
    }

    /**
     * Encodes {@code text} in the file's charset and writes it as {@link #write(byte[])} does;
     * aiofiles' {@code await f.write(text)} on a text file.
     *
     * <h4>Cancellation</h4>
     * Once the write started, it completes even if the task is cancelled (see the class doc).
     *
     * @param text the text; not {@code null}
     * @throws IOException if the write fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonWritableChannelException if the file was not opened for writing
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void writeString(CharSequence text) throws IOException {
        write(text.toString().getBytes(charset));
    }

    /**
     * Forces what was written to the storage device, with the file's metadata; Python's
     * {@code os.fsync(f.fileno())}, {@link FileChannel#force(boolean) force(true)}.
     *
     * <h4>Cancellation</h4>
     * Once started, it completes even if the task is cancelled.
     *
     * @throws IOException if it fails; {@link ClosedChannelException} after {@link #close()}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void force() throws IOException {
        io("force", () -> {
            channel.force(true);
            return null;
        });
    }

    // ---- position and size ------------------------------------------------------------------------

    /**
     * Returns the position, in bytes from the start of the file; aiofiles' {@code await f.tell()}.
     *
     * <h4>Cancellation</h4>
     * Nothing changes whether or not it ran.
     *
     * @return the position, at least 0
     * @throws IOException if it fails; {@link ClosedChannelException} after {@link #close()}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public long position() throws IOException {
        return io("position", () -> channel.position() - (end - start));
    }

    /**
     * Moves the position; aiofiles' {@code await f.seek(offset)}. Past the end of the file, a
     * read finds the end and a write extends the file.
     *
     * <h4>Cancellation</h4>
     * Once started, it completes even if the task is cancelled.
     *
     * @param newPosition bytes from the start of the file; at least 0
     * @throws IllegalArgumentException if {@code newPosition} is negative
     * @throws IOException if it fails; {@link ClosedChannelException} after {@link #close()}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
        }
        io("position", () -> {
            start = end = 0;
            channel.position(newPosition);
            return null;
        });
    }

    /**
     * Returns the size of the file in bytes; Python's {@code os.fstat(f.fileno()).st_size}.
     *
     * <h4>Cancellation</h4>
     * Nothing changes whether or not it ran.
     *
     * @return the size, at least 0
     * @throws IOException if it fails; {@link ClosedChannelException} after {@link #close()}
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public long size() throws IOException {
        return io("size", channel::size);
    }

    /**
     * Cuts the file to {@code size} bytes (nothing happens if it is not longer); aiofiles'
     * {@code await f.truncate(size)}. A position past the new end moves to it.
     *
     * <h4>Cancellation</h4>
     * Once started, it completes even if the task is cancelled.
     *
     * @param size the new size in bytes; at least 0
     * @throws IllegalArgumentException if {@code size} is negative
     * @throws IOException if it fails; {@link ClosedChannelException} after {@link #close()}
     * @throws java.nio.channels.NonWritableChannelException if the file was not opened for writing
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        io("truncate", () -> {
            dropReadAhead();
            channel.truncate(size);
            return null;
        });
    }

    // ---- state --------------------------------------------------------------------------------

    /**
     * Closes the file; aiofiles' {@code await f.close()}, and the end of
     * {@code async with aiofiles.open(...)}. Unlike the other methods it does not suspend
     * (closing a file descriptor does not wait for the device), so it can run anywhere,
     * inside a task or not. A read or write still running in the executor ends with
     * {@link java.nio.channels.AsynchronousCloseException}; later calls throw
     * {@link ClosedChannelException}. Closing a closed file does nothing.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Tells whether the file is open; Python's {@code not f.closed}.
     *
     * @return {@code false} once {@link #close()} was called
     */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Returns the path the file was opened with; aiofiles' {@code f.name}.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the charset of {@link #lines()}, {@link #readString()} and
     * {@link #writeString(CharSequence)}.
     *
     * @return the charset given at open, or UTF-8
     */
    public Charset charset() {
        return charset;
    }

    /**
     * Returns {@code AsyncFile[path, open]} or {@code AsyncFile[path, closed]}.
     *
     * @return a description
     */
    @Override
    public String toString() {
        return "AsyncFile[" + path + ", " + (channel.isOpen() ? "open" : "closed") + "]";
    }

    // ---- helpers, on the executor thread holding the lock ------------------------------------------------

    private <T> T io(String what, Offload.IoCall<T> op) throws IOException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        return Offload.call("AsyncFile." + what + "()", () -> {
            lock.lock();
            try {
                if (!channel.isOpen()) {
                    throw new ClosedChannelException();
                }
                return op.call();
            } finally {
                lock.unlock();
            }
        });
    }

    /** The next line from the read-ahead buffer, refilled from the channel as needed. */
    private byte[] nextLine() throws IOException {
        int scanned = 0; // bytes after start already known to hold no newline
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    byte[] line = Arrays.copyOfRange(buf, start, i + 1);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end - start;
            if (!fill()) {
                byte[] rest = Arrays.copyOfRange(buf, start, end);
                start = end = 0;
                return rest;
            }
        }
    }

    /** Reads one more chunk after buf[start, end); false at the end of the file. */
    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (buf.length - end < CHUNK) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + CHUNK));
        }
        int n = channel.read(ByteBuffer.wrap(buf, end, buf.length - end));
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    /** Gives the bytes read ahead back to the channel, so a write or truncate sees the real position. */
    private void dropReadAhead() throws IOException {
        if (end > start) {
            channel.position(channel.position() - (end - start));
        }
        start = end = 0;
    }

    private String decodeLine(byte[] line) {
        int n = line.length;
        if (n > 0 && line[n - 1] == '\n') {
            n--;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
        }
        return new String(line, 0, n, charset);
    }
}
