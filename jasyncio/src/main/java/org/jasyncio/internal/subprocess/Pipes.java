package org.jasyncio.internal.subprocess;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.net.SelectorPipes;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadPipeConnection;
import org.jasyncio.transports.WritePipeConnection;

/**
 * The loop's {@code connectReadPipe} and {@code connectWritePipe}: asyncio's
 * {@code connect_read_pipe} and {@code connect_write_pipe}, for every form of pipe Java has.
 *
 * <p>A selectable channel (a {@link java.nio.channels.Pipe}'s ends, a socket) is watched by the
 * loop's selector, as asyncio watches a descriptor ({@link SelectorPipes}). The rest (a FIFO's or
 * a descriptor's {@link FileChannel}, a stream, any other channel) cannot be: they go through the
 * pumps the children's pipes use, a {@link ReadPipeTransport} or {@link WritePipeTransport} with
 * a {@link LonePipe} as owner, with the same flow control and close rules.
 *
 * <p>A FIFO given by its path is opened on a pump thread while the calling task waits: opening
 * one end blocks until the other end is opened too, and the loop must keep running meanwhile.
 */
public final class Pipes {
    /** Marks that a FIFO's open thread has finished. */
    private static final Object OPEN_DONE = new Object();

    private Pipes() {}

    /** A read end as the pump reads it: a channel where there is one, else a stream. */
    private record Source(Object pipe, String label, InputStream in, ReadableByteChannel channel) {}

    /** A write end as the writer writes it, and what closes it under a blocked write. */
    private record Sink(Object pipe, String label, OutputStream out, Closeable cutter) {}

    /**
     * Connects a new protocol to the read end {@code pipe}; must be called in a task of
     * {@code loop}. See the loop's {@code connectReadPipe}.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param protocolFactory makes the protocol
     * @param pipe a {@link ReadableByteChannel}, an {@link InputStream}, a {@link FileDescriptor}
     *        or the {@link Path} of a FIFO
     * @return the transport and the protocol
     * @throws IOException if the FIFO cannot be opened
     */
    public static <P extends Protocol> ReadPipeConnection<P> connectRead(EventLoop loop,
            Supplier<? extends P> protocolFactory, Object pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (Objects.requireNonNull(pipe, "pipe") instanceof SelectableChannel sc && pipe instanceof ReadableByteChannel) {
            return SelectorPipes.connectRead(loop, protocolFactory, selectable(sc));
        }
        Source source = source(pipe);
        P protocol;
        try {
            protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            closeQuietly(source.channel() != null ? source.channel() : source.in());
            throw t;
        }
        LonePipe owner = new LonePipe(loop, protocol, source.pipe(), source.label(), true);
        ReadPipeTransport transport = new ReadPipeTransport(owner, 1, source.in(), source.channel());
        connect(loop, owner, transport);
        return new ReadPipeConnection<>(transport, protocol);
    }

    /**
     * Connects a new protocol to the write end {@code pipe}; must be called in a task of
     * {@code loop}. See the loop's {@code connectWritePipe}.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param protocolFactory makes the protocol
     * @param pipe a {@link WritableByteChannel}, an {@link OutputStream}, a
     *        {@link FileDescriptor} or the {@link Path} of a FIFO
     * @return the transport and the protocol
     * @throws IOException if the FIFO cannot be opened
     */
    public static <P extends BaseProtocol> WritePipeConnection<P> connectWrite(EventLoop loop,
            Supplier<? extends P> protocolFactory, Object pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (Objects.requireNonNull(pipe, "pipe") instanceof SelectableChannel sc && pipe instanceof WritableByteChannel) {
            return SelectorPipes.connectWrite(loop, protocolFactory, selectable(sc), describe(sc));
        }
        Sink sink = sink(pipe);
        P protocol;
        try {
            protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            closeQuietly(sink.out());
            throw t;
        }
        LonePipe owner = new LonePipe(loop, protocol, sink.pipe(), sink.label(), false);
        WritePipeTransport transport = new WritePipeTransport(owner, sink.out(), sink.cutter());
        connect(loop, owner, transport);
        return new WritePipeConnection<>(transport, protocol);
    }

    /**
     * asyncio's order: {@code connection_made}, then reading starts, then the caller resumes; a
     * caller cancelled meanwhile closes the transport.
     */
    private static void connect(EventLoop loop, LonePipe owner, PipeTransport transport) throws IOException {
        owner.attach(transport);
        Future<Void> connected = loop.createFuture();
        loop.callSoon(() -> {
            owner.connect();
            connected.trySetResult(null);
        });
        try {
            connected.await();
        } catch (Throwable t) {
            if (!transport.isClosing()) {
                transport.close();
            }
            throw rethrow(t);
        }
    }

    private static Source source(Object pipe) throws IOException {
        return switch (pipe) {
            case Path p -> {
                FileChannel ch = openFifo(p, StandardOpenOption.READ);
                yield new Source(ch, p.toString(), null, ch);
            }
            case FileDescriptor fd -> {
                checkValid(fd);
                yield new Source(fd, describe(fd), null, new FileInputStream(fd).getChannel());
            }
            case ReadableByteChannel ch -> new Source(ch, describe(ch), null, open(ch));
            case InputStream in -> new Source(in, describe(in), in, null);
            default -> throw new IllegalArgumentException("not a read pipe: " + pipe.getClass().getName()
                    + "; give a ReadableByteChannel (Pipe.SourceChannel, FileChannel), an InputStream, a "
                    + "FileDescriptor or the Path of a FIFO");
        };
    }

    private static Sink sink(Object pipe) throws IOException {
        return switch (pipe) {
            case Path p -> {
                FileChannel ch = openFifo(p, StandardOpenOption.WRITE);
                yield new Sink(ch, p.toString(), Channels.newOutputStream(ch), ch);
            }
            case FileDescriptor fd -> {
                checkValid(fd);
                FileChannel ch = new FileOutputStream(fd).getChannel();
                yield new Sink(fd, describe(fd), Channels.newOutputStream(ch), ch);
            }
            case WritableByteChannel ch -> new Sink(ch, describe(ch), Channels.newOutputStream(open(ch)), ch);
            case OutputStream out -> new Sink(out, describe(out), out, null);
            default -> throw new IllegalArgumentException("not a write pipe: " + pipe.getClass().getName()
                    + "; give a WritableByteChannel (Pipe.SinkChannel, FileChannel), an OutputStream, a "
                    + "FileDescriptor or the Path of a FIFO");
        };
    }

    /** A channel for the pumps, which block in their reads and writes. */
    private static <C extends Channel> C open(C ch) {
        if (!ch.isOpen()) {
            throw new IllegalArgumentException("the pipe is closed: " + ch);
        }
        return ch;
    }

    /** A channel for the loop's selector: open, and watched by no other selector. */
    private static SelectableChannel selectable(SelectableChannel ch) {
        open(ch);
        if (ch.isRegistered()) {
            throw new IllegalArgumentException(ch + " is registered with a selector (watched by the loop or "
                    + "another); a pipe transport needs it to itself");
        }
        return ch;
    }

    private static void checkValid(FileDescriptor fd) {
        if (!fd.valid()) {
            throw new IllegalArgumentException("the file descriptor is not valid (closed): " + fd);
        }
    }

    /**
     * Opens the FIFO at {@code path} on a pump thread, since the open waits for the other end.
     * A caller cancelled meanwhile opens the FIFO for both reading and writing (on Linux such an
     * open never waits), which ends the waiting open, and hands that channel to the open thread
     * to close once its own open has returned: closed any earlier, it could miss an open that
     * had not started yet, which would then wait for ever.
     */
    private static FileChannel openFifo(Path path, StandardOpenOption mode) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        if (attrs.isRegularFile() || attrs.isDirectory()) {
            // asyncio's ValueError for a regular file
            throw new IllegalArgumentException("Pipe transport is for pipes/sockets/character devices only: " + path
                    + " is a " + (attrs.isDirectory() ? "directory" : "regular file")
                    + " (make a FIFO with mkfifo; read files with org.jasyncio.files)");
        }
        CompletableFuture<FileChannel> opened = new CompletableFuture<>();
        // the cancelling side's stand-in peer, or OPEN_DONE once the open thread has finished
        AtomicReference<Object> peer = new AtomicReference<>();
        PipeThreads.start("jasyncio-pipe-open-" + path, () -> {
            try {
                FileChannel ch = FileChannel.open(path, mode);
                if (!opened.complete(ch)) {
                    closeQuietly(ch);
                }
            } catch (Throwable t) {
                opened.completeExceptionally(t);
            } finally {
                if (peer.getAndSet(OPEN_DONE) instanceof FileChannel standIn) {
                    closeQuietly(standIn);
                }
            }
        });
        try {
            return Asyncio.await(opened);
        } catch (Throwable t) {
            if (opened.cancel(false)) {
                try {
                    FileChannel standIn = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    if (!peer.compareAndSet(null, standIn)) {
                        closeQuietly(standIn); // the open thread is done already
                    }
                } catch (IOException | RuntimeException e) {
                    // the open thread stays until someone opens the other end
                }
            } else if (!opened.isCompletedExceptionally()) {
                closeQuietly(opened.getNow(null));
            }
            throw rethrow(t);
        }
    }

    private static String describe(FileDescriptor fd) {
        return fd == FileDescriptor.in ? "stdin" : fd == FileDescriptor.out ? "stdout"
                : fd == FileDescriptor.err ? "stderr" : "fd";
    }

    private static String describe(Object o) {
        if (o == System.in) {
            return "System.in";
        }
        if (o == System.out) {
            return "System.out";
        }
        String s = o.getClass().getSimpleName();
        return s.isEmpty() ? o.getClass().getName() : s;
    }

    static void closeQuietly(Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing left to release
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(t);
    }
}
