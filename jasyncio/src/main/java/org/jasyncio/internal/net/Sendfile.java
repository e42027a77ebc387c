package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.SendfileNotAvailableError;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.Transport;
import org.jasyncio.transports.WriteTransport;

/**
 * asyncio's {@code loop.sendfile} and {@code loop.sock_sendfile} (CPython's
 * {@code base_events.sendfile}, {@code selector_events._sendfile_native} and
 * {@code base_events.sock_sendfile}): the zero-copy path ({@link NativeSendfile}) for plain
 * stream sockets and their transports, the read-and-write path ({@link SendfileFallback}) for
 * TLS transports or when the zero-copy path is refused.
 *
 * <p>For a transport, the zero-copy path first waits until the transport's write buffer is
 * empty, pauses reading, and refuses {@code write()} until it ends (asyncio's
 * "unable to write; sendfile is in progress"); then reading resumes if it was on. Both paths
 * leave the file's position at {@code offset} plus the bytes sent, whether they end in a result,
 * an error or a cancellation (asyncio moves it only when something was sent).
 *
 * <p>Called by the loop, in a task of that loop.
 */
public final class Sendfile {
    private Sendfile() {}

    /**
     * asyncio's {@code loop.sendfile(transport, file, offset, count, fallback=...)}.
     *
     * @param io the loop's I/O side
     * @param transport a transport of that loop
     * @param file the file, open for reading
     * @param offset where to start, at least 0
     * @param count bytes to send, at least 1, or null for "to the end of the file"
     * @param fallback whether to read and write when the zero-copy path cannot be used
     * @return the bytes sent
     * @throws IOException if reading the file or writing the connection fails
     */
    public static long sendfile(IoLoop io, WriteTransport transport, FileChannel file, long offset, Long count,
            boolean fallback) throws IOException {
        Objects.requireNonNull(transport, "transport");
        if (transport.isClosing()) {
            throw new IllegalStateException("Transport is closing: " + transport);
        }
        long n = checkParams(file, offset, count);
        boolean paused;
        if (transport instanceof SocketTransport st) {
            if (st.loop != io.eventLoop()) {
                throw new IllegalArgumentException("the transport belongs to another loop: " + transport);
            }
            try {
                return sendNative(st, file, offset, n);
            } catch (SendfileNotAvailableError e) {
                if (!fallback) {
                    throw e;
                }
            }
            paused = st.protocolPaused();
        } else if (transport instanceof SslTransport tls) {
            if (!fallback) {
                throw new SendfileNotAvailableError("fallback is disabled and native sendfile is not supported for "
                        + "transport " + transport + " (TLS encrypts in user space: the file must be read and written)");
            }
            paused = tls.protocolPaused();
        } else {
            throw new IllegalStateException("sendfile is not supported for transport " + transport);
        }
        return SendfileFallback.toTransport(io.eventLoop(), (Transport) transport, paused, file, offset, n);
    }

    /**
     * asyncio's {@code loop.sock_sendfile(sock, file, offset, count, fallback=...)}.
     *
     * @param io the loop's I/O side
     * @param sock a connected stream socket in non-blocking mode, not used by a transport
     * @param file the file, open for reading
     * @param offset where to start, at least 0
     * @param count bytes to send, at least 1, or null for "to the end of the file"
     * @param fallback whether to read and send when the zero-copy path cannot be used
     * @return the bytes sent
     * @throws IOException if reading the file or writing the socket fails
     */
    public static long sockSendfile(IoLoop io, SocketChannel sock, FileChannel file, long offset, Long count,
            boolean fallback) throws IOException {
        SockOps.checkNonBlocking(sock);
        long n = checkParams(file, offset, count);
        try {
            return sockNative(io.eventLoop(), sock, file, offset, n);
        } catch (SendfileNotAvailableError e) {
            if (!fallback) {
                throw e;
            }
        }
        return SendfileFallback.toSocket(io.eventLoop(), sock, file, offset, n);
    }

    /** asyncio's _check_sendfile_params, plus a readable, open channel; returns the count or -1. */
    private static long checkParams(FileChannel file, long offset, Long count) {
        Objects.requireNonNull(file, "file");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be a non-negative integer (got " + offset + ")");
        }
        if (count != null && count <= 0) {
            throw new IllegalArgumentException("count must be a positive integer (got " + count + ")");
        }
        if (!file.isOpen()) {
            throw new IllegalArgumentException("the file channel is closed: " + file);
        }
        try {
            file.read(ByteBuffer.allocate(0), 0); // reads nothing; tells whether it may read
        } catch (NonReadableChannelException e) {
            throw new IllegalArgumentException("the file channel is not open for reading: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the file channel cannot be read: " + file + ": " + e, e);
        }
        return count == null ? -1 : count;
    }

    /**
     * An empty file is done at once when the whole of it is asked for (asyncio's "empty
     * file"); with a count, a size of 0 may also be a pipe or a device, which
     * {@code transferTo} would read on the loop thread, so that is left to the fallback.
     */
    private static boolean emptyFile(FileChannel file, long count) throws IOException {
        if (file.size() > 0) {
            return false;
        }
        if (count < 0) {
            return true;
        }
        throw new SendfileNotAvailableError("the file is empty or not a regular file (its size is 0): " + file);
    }

    private static long sockNative(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count)
            throws IOException {
        if (emptyFile(file, count)) {
            return 0;
        }
        Future<Long> result = loop.createFuture();
        NativeSendfile job = new NativeSendfile(sock, file, offset, count, result, new NativeSendfile.Writability() {
            private boolean watching;

            @Override
            public void request(NativeSendfile j) {
                if (!watching) {
                    watching = true;
                    loop.addWriter(sock, j::step);
                }
            }

            @Override
            public void release() {
                if (watching) {
                    watching = false;
                    if (sock.isOpen()) {
                        loop.removeWriter(sock);
                    }
                }
            }
        });
        // watching the socket first fails at once, before any byte is sent, if a transport owns it
        job.writabilityFirst();
        return await(job, file, offset, true, () -> {});
    }

    /** selector_events._sendfile_native: the transport's buffer first, reading paused, writes refused. */
    private static long sendNative(SocketTransport st, FileChannel file, long offset, long count) throws IOException {
        if (st.sendfile != null) {
            throw new IllegalStateException("sendfile is already in progress on " + st);
        }
        if (emptyFile(file, count)) {
            return 0;
        }
        boolean resumeReading = st.isReading();
        st.pauseReading();
        Future<Long> result = st.loop.createFuture();
        NativeSendfile job = new NativeSendfile(st.channel(), file, offset, count, result,
                new NativeSendfile.Writability() {
                    @Override
                    public void request(NativeSendfile j) {
                        st.setInterest(SelectionKey.OP_WRITE, true);
                    }

                    @Override
                    public void release() {
                        if (st.bufferSize() == 0) {
                            st.setInterest(SelectionKey.OP_WRITE, false);
                        }
                    }
                });
        st.sendfile = job;
        // with bytes still buffered, the transport's write-ready event runs the first step once they are out
        return await(job, file, offset, st.bufferSize() == 0, () -> restore(st, job, resumeReading));
    }

    private static void restore(SocketTransport st, NativeSendfile job, boolean resumeReading) {
        if (st.sendfile == job) {
            st.sendfile = null;
        }
        if (resumeReading) {
            st.resumeReading();
        }
    }

    /**
     * Starts the job now if {@code start}, and awaits it; whatever ends it (result, error,
     * cancellation) stops it and leaves the file's position right.
     */
    private static long await(NativeSendfile job, FileChannel file, long offset, boolean start, Runnable cleanup)
            throws IOException {
        try {
            if (start) {
                job.step();
            }
            return SockOps.awaitIo(job.result());
        } finally {
            job.stop();
            cleanup.run();
            if (job.sent() > 0 && file.isOpen()) {
                file.position(offset + job.sent());
            }
        }
    }
}
