package org.jasyncio.internal.subprocess;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;

/**
 * A child's stdout or stderr pipe as a {@link FileChannel}, taken over from the JDK.
 *
 * <p>Why: a read blocked in {@link FileInputStream#read} cannot be cut short, and closing the
 * stream from another thread waits for the read; so closing a child's stdout transport used to
 * leave the pipe open until the child wrote again, and the child's next write succeeded instead
 * of failing with a broken pipe, as it does under asyncio. A {@link FileChannel} on the same
 * descriptor can: its {@code close()} signals the thread blocked in its read, which ends with an
 * {@link java.nio.channels.AsynchronousCloseException}, and then closes the descriptor at once.
 *
 * <p>How: on Linux and macOS the JDK's {@code ProcessImpl} keeps each pipe as a
 * {@code ProcessPipeInputStream}, a {@code BufferedInputStream} over a {@link FileInputStream};
 * {@link FileInputStream#getChannel()} is public, only reaching the inner stream needs
 * {@code --add-opens java.base/java.lang}, which jasyncio needs anyway ({@code LoomSupport}).
 * When the channel is taken, the process's field is replaced by an empty stream: the JDK's
 * reaper, at the child's exit, otherwise drains what the pipe holds into the old stream and
 * closes the descriptor, which would cut the pipe while a grandchild still writes to it (asyncio
 * reads until every writer is gone). If the reaper gets there first all the same, the reader
 * finds the channel closed and reads the rest from the JDK's stream, where the reaper put it.
 *
 * <p>The take must come right after the start: a child that exits before it has its pipes
 * drained and closed by the JDK, and output a grandchild writes later is lost (the JDK's own
 * behaviour), so {@link Spawner} takes them on its thread as {@code start()} returns.
 *
 * <p>If any of that is not there (another JDK, another OS, access refused), {@link #take}
 * returns {@code null} and the reader falls back to the JDK's stream: everything works except
 * that closing the transport frees the pipe only after the read in progress.
 *
 * <p>Thread-safe.
 */
final class PipeChannels {
    private static final Class<?> PROCESS_IMPL;
    private static final Class<?> PIPE_STREAM;
    private static final VarHandle STDOUT;
    private static final VarHandle STDERR;
    /** {@code FilterInputStream.in} of a {@code ProcessPipeInputStream}, as (Object) InputStream. */
    private static final MethodHandle INNER;
    private static final Throwable FAILURE;

    static {
        Class<?> impl = null;
        Class<?> pipe = null;
        VarHandle out = null;
        VarHandle err = null;
        MethodHandle inner = null;
        Throwable failure = null;
        try {
            impl = Class.forName("java.lang.ProcessImpl");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(impl, MethodHandles.lookup());
            out = l.findVarHandle(impl, "stdout", InputStream.class);
            err = l.findVarHandle(impl, "stderr", InputStream.class);
            pipe = Class.forName("java.lang.ProcessImpl$ProcessPipeInputStream");
            // FilterInputStream.in is protected: reachable from a lookup in the subclass
            inner = MethodHandles.privateLookupIn(pipe, MethodHandles.lookup())
                    .findGetter(FilterInputStream.class, "in", InputStream.class)
                    .asType(MethodType.methodType(InputStream.class, Object.class));
        } catch (Throwable t) {
            failure = t;
            impl = null;
        }
        PROCESS_IMPL = impl;
        PIPE_STREAM = pipe;
        STDOUT = out;
        STDERR = err;
        INNER = inner;
        FAILURE = failure;
    }

    private PipeChannels() {}

    /**
     * A child's stdout and stderr as taken right after its start: the JDK's streams (what the
     * process returned before the take) and, where {@link #take} could, their channels.
     */
    record Taken(java.lang.Process proc, InputStream stdout, FileChannel stdoutChannel, InputStream stderr,
            FileChannel stderrChannel) {

        /** Releases both pipes (a child nobody will own). */
        void close() {
            for (Closeable c : new Closeable[] {stdoutChannel, stdout, stderrChannel, stderr}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException ignored) {
                    // nothing left to release
                }
            }
        }
    }

    /**
     * Takes both output pipes of {@code proc}; call it at once after the start, on any thread:
     * until then the JDK's reaper drains and closes the pipes if the child exits.
     *
     * @param proc the child, just started
     * @return its pipes
     */
    static Taken takeAll(java.lang.Process proc) {
        InputStream out = proc.getInputStream();
        InputStream err = proc.getErrorStream();
        return new Taken(proc, out, take(proc, 1, out), err, take(proc, 2, err));
    }

    /** Whether this JVM lets {@link #take} succeed (for tests and debug logs). */
    static boolean available() {
        return PROCESS_IMPL != null;
    }

    /** Why {@link #available()} is false, or {@code null}. */
    static Throwable failure() {
        return FAILURE;
    }

    /**
     * Takes the pipe {@code fd} (1 stdout, 2 stderr) of {@code proc} as a channel that the caller
     * now owns, or returns {@code null} if it cannot (then the caller reads {@code stream}).
     *
     * @param proc the child
     * @param fd 1 or 2
     * @param stream what {@code proc} returned for that pipe before this call
     * @return the channel, or {@code null}
     */
    static FileChannel take(java.lang.Process proc, int fd, InputStream stream) {
        if (PROCESS_IMPL == null || !PROCESS_IMPL.isInstance(proc) || !PIPE_STREAM.isInstance(stream)) {
            return null;
        }
        VarHandle field = fd == 1 ? STDOUT : STDERR;
        try {
            if (field.getVolatile(proc) != stream) {
                return null;
            }
            InputStream in = (InputStream) INNER.invokeExact((Object) stream);
            if (!(in instanceof FileInputStream file)) {
                return null; // the reaper drained it already: the rest is in stream
            }
            FileChannel channel = file.getChannel();
            field.setVolatile(proc, InputStream.nullInputStream());
            return channel;
        } catch (Throwable t) {
            return null;
        }
    }
}
