package org.jasyncio.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jasyncio.CancelledError;

/**
 * File I/O that suspends the calling task instead of blocking the loop: each call runs the
 * {@link Files} method of the same name on the loop's default executor (as
 * {@link org.jasyncio.Asyncio#toThread} does) while the loop goes on with other tasks; the
 * aiofiles package's answer to asyncio having no file I/O.
 *
 * <p>Calling {@link Files} or {@link FileChannel} directly inside a task blocks the loop
 * thread for the length of the call: the JDK lends a blocked carrier thread a replacement only
 * in its own virtual-thread scheduler, and a jasyncio task's carrier is the loop thread. On a
 * local disk that is microseconds; on a network file system, a FIFO or a device it can be
 * seconds.
 *
 * <pre>{@code
 * String config = AsyncFiles.readString(Path.of("app.conf"));          // await f.read()
 * AsyncFiles.writeString(Path.of("out.txt"), "done\n");                 // await f.write(...)
 * try (AsyncFile log = AsyncFiles.open(Path.of("app.log"), CREATE, WRITE, APPEND)) {
 *     log.writeString("started\n");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Every method suspends the calling task and must be called inside a task.
 *
 * <h2>Cancellation</h2>
 * A call whose task is cancelled before the executor started it does nothing. Once started
 * the operation runs to its end (a running file operation cannot be interrupted without
 * closing the file): a write is done, and what a read returned is dropped. A file opened by a
 * cancelled {@link #open} is closed.
 */
public final class AsyncFiles {
    private AsyncFiles() {}

    /**
     * Reads a whole file; {@link Files#readAllBytes(Path)} on the default executor.
     *
     * <h4>Cancellation</h4>
     * Once the read started, its bytes are dropped if the task is cancelled.
     *
     * @param path the file
     * @return its bytes
     * @throws IOException if it cannot be read ({@link java.nio.file.NoSuchFileException}...)
     * @throws OutOfMemoryError if the file is larger than an array can hold
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static byte[] readAllBytes(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return Offload.call("AsyncFiles.readAllBytes()", () -> Files.readAllBytes(path));
    }

    /**
     * Reads a whole UTF-8 text file; {@link Files#readString(Path)} on the default executor,
     * aiofiles' {@code await f.read()}.
     *
     * <h4>Cancellation</h4>
     * Once the read started, its text is dropped if the task is cancelled.
     *
     * @param path the file
     * @return its text
     * @throws IOException if it cannot be read, or is not valid UTF-8
     *         ({@link java.nio.charset.MalformedInputException})
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static String readString(Path path) throws IOException {
        return readString(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads a whole text file in {@code charset}; {@link Files#readString(Path, Charset)} on
     * the default executor.
     *
     * <h4>Cancellation</h4>
     * Once the read started, its text is dropped if the task is cancelled.
     *
     * @param path the file
     * @param charset its encoding
     * @return its text
     * @throws IOException if it cannot be read or decoded
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static String readString(Path path, Charset charset) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        return Offload.call("AsyncFiles.readString()", () -> Files.readString(path, charset));
    }

    /**
     * Reads a whole UTF-8 text file as lines; {@link Files#readAllLines(Path)} on the default
     * executor, aiofiles' {@code await f.readlines()} without the line terminators.
     *
     * <h4>Cancellation</h4>
     * Once the read started, its lines are dropped if the task is cancelled.
     *
     * @param path the file
     * @return its lines, without {@code "\n"}, {@code "\r\n"} or {@code "\r"}
     * @throws IOException if it cannot be read, or is not valid UTF-8
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static List<String> readAllLines(Path path) throws IOException {
        return readAllLines(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads a whole text file in {@code charset} as lines;
     * {@link Files#readAllLines(Path, Charset)} on the default executor.
     *
     * <h4>Cancellation</h4>
     * Once the read started, its lines are dropped if the task is cancelled.
     *
     * @param path the file
     * @param charset its encoding
     * @return its lines, without terminators
     * @throws IOException if it cannot be read or decoded
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static List<String> readAllLines(Path path, Charset charset) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        return Offload.call("AsyncFiles.readAllLines()", () -> Files.readAllLines(path, charset));
    }

    /**
     * Writes {@code data} to a file; {@link Files#write(Path, byte[], OpenOption...)} on the
     * default executor. Without options the file is created or truncated.
     *
     * <h4>Cancellation</h4>
     * Once the write started, it completes even if the task is cancelled.
     *
     * @param path the file
     * @param data the bytes
     * @param options as for {@link Files#write(Path, byte[], OpenOption...)}
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static void write(Path path, byte[] data, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        byte[] copy = data.clone();
        OpenOption[] opts = options.clone();
        Offload.call("AsyncFiles.write()", () -> Files.write(path, copy, opts));
    }

    /**
     * Writes {@code text} to a file in UTF-8, as
     * {@link Files#writeString(Path, CharSequence, OpenOption...)} on the default executor;
     * aiofiles' {@code await f.write(text)}. Without options the file is created or truncated.
     *
     * <h4>Cancellation</h4>
     * Once the write started, it completes even if the task is cancelled.
     *
     * @param path the file
     * @param text the text
     * @param options as for {@link Files#writeString(Path, CharSequence, OpenOption...)}
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static void writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        writeString(path, text, StandardCharsets.UTF_8, options);
    }

    /**
     * Writes {@code text} to a file in {@code charset}, as
     * {@link Files#writeString(Path, CharSequence, Charset, OpenOption...)} on the default executor.
     *
     * <h4>Cancellation</h4>
     * Once the write started, it completes even if the task is cancelled.
     *
     * @param path the file
     * @param text the text
     * @param charset the encoding
     * @param options as for {@link Files#writeString(Path, CharSequence, Charset, OpenOption...)}
     * @throws IOException if it cannot be written, or {@code text} cannot be encoded
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static void writeString(Path path, CharSequence text, Charset charset, OpenOption... options)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        String copy = text.toString();
        OpenOption[] opts = options.clone();
        Offload.call("AsyncFiles.writeString()", () -> Files.writeString(path, copy, charset, opts));
    }

    /**
     * Opens a file whose text is UTF-8; aiofiles' {@code aiofiles.open(path, mode)}, with
     * {@link FileChannel#open(Path, OpenOption...)}'s options: none means
     * {@link java.nio.file.StandardOpenOption#READ READ} ({@code "r"}); {@code WRITE, CREATE,
     * TRUNCATE_EXISTING} is {@code "w"}; {@code WRITE, CREATE, APPEND} is {@code "a"};
     * {@code READ, WRITE} is {@code "r+"}. Opening runs on the executor too: opening a FIFO
     * waits for its other end.
     *
     * <h4>Cancellation</h4>
     * If the task is cancelled once the open started, the file is closed when it opens.
     *
     * @param path the file
     * @param options how to open it
     * @return the open file; close it (try-with-resources)
     * @throws IOException if it cannot be opened
     * @throws IllegalArgumentException if the options contradict each other ({@code READ} and
     *         {@code APPEND})
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        return open(path, StandardCharsets.UTF_8, options);
    }

    /**
     * Opens a file whose text is in {@code charset}; as {@link #open(Path, OpenOption...)}.
     *
     * <h4>Cancellation</h4>
     * If the task is cancelled once the open started, the file is closed when it opens.
     *
     * @param path the file
     * @param charset the encoding of the file's text; one where {@code '\n'} is the single
     *        byte 10 (UTF-8, ISO-8859-1, US-ASCII, windows-1252...), since lines are split on
     *        that byte
     * @param options how to open it
     * @return the open file; close it (try-with-resources)
     * @throws IOException if it cannot be opened
     * @throws IllegalArgumentException if the options contradict each other, or
     *         {@code charset} encodes {@code '\n'} otherwise (UTF-16, UTF-32)
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static AsyncFile open(Path path, Charset charset, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        if (!Arrays.equals("\n".getBytes(charset), new byte[] {'\n'})) {
            throw new IllegalArgumentException(charset + " does not encode '\\n' as the byte 10; "
                    + "read such files whole with readString(path, charset)");
        }
        Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
        Opening opening = new Opening();
        try {
            return Offload.call("AsyncFiles.open()", () -> opening.open(path, charset, opts));
        } catch (Throwable t) {
            opening.abandon(t);
            throw t;
        }
    }

    /**
     * One open in progress: when the task stops waiting for it (cancelled), the file the
     * executor opens anyway is closed, not leaked.
     */
    private static final class Opening {
        private AsyncFile file;
        private boolean abandoned;

        AsyncFile open(Path path, Charset charset, Set<OpenOption> options) throws IOException {
            AsyncFile f = new AsyncFile(path, charset, FileChannel.open(path, options));
            synchronized (this) {
                file = f;
                if (!abandoned) {
                    return f;
                }
            }
            f.close();
            return f;
        }

        void abandon(Throwable why) {
            AsyncFile f;
            synchronized (this) {
                abandoned = true;
                f = file;
            }
            if (f != null) {
                try {
                    f.close();
                } catch (IOException e) {
                    why.addSuppressed(e);
                }
            }
        }
    }
}
