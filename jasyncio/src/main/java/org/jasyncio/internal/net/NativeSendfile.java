package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import org.jasyncio.Future;
import org.jasyncio.SendfileNotAvailableError;

/**
 * One zero-copy transfer of a file region into a non-blocking stream socket, on the loop
 * thread: CPython's {@code unix_events._sock_sendfile_native_impl}. Each step calls
 * {@link FileChannel#transferTo} (the {@code sendfile(2)} system call on Linux), which takes
 * what the socket's send buffer has room for and returns 0 when it is full; the transfer then
 * waits until the socket is writable again, through its {@link Writability}, and never blocks
 * the loop on the network. (Reading the file's pages from disk happens inside the system call,
 * on the loop thread, as with asyncio's {@code os.sendfile}.)
 *
 * <p>The result is the count of bytes sent. A failure of the very first transfer becomes a
 * {@link SendfileNotAvailableError} (asyncio's rule: the caller may then fall back to reading
 * and writing); a later failure is the I/O error itself.
 *
 * <p>Loop-affine.
 */
final class NativeSendfile {
    /** transferTo calls per writability event at most, so that one transfer cannot starve the loop. */
    private static final int MAX_TRANSFERS_PER_STEP = 16;

    /** How a transfer waits until its socket is writable. */
    interface Writability {
        /** Asks for a call of {@link NativeSendfile#step()} once the socket is writable; idempotent. */
        void request(NativeSendfile job);

        /** The transfer is over: stop asking. */
        void release();
    }

    private final SocketChannel sock;
    private final FileChannel file;
    private final long offset;
    /** Bytes to send, or -1 for "to the end of the file". */
    private final long count;
    private final Future<Long> result;
    private final Writability writability;
    private long sent;

    NativeSendfile(SocketChannel sock, FileChannel file, long offset, long count, Future<Long> result,
            Writability writability) {
        this.sock = sock;
        this.file = file;
        this.offset = offset;
        this.count = count;
        this.result = result;
        this.writability = writability;
    }

    /** Bytes sent so far. */
    long sent() {
        return sent;
    }

    /** The future the caller awaits: the total sent, or the failure. */
    Future<Long> result() {
        return result;
    }

    /**
     * Sends as much as the socket takes now (up to {@value #MAX_TRANSFERS_PER_STEP} transfers),
     * then waits for writability, or completes the result.
     */
    void step() {
        if (result.done()) {
            // cancelled: the awaiting task has already restored the file's position
            writability.release();
            return;
        }
        try {
            for (int i = 0; i < MAX_TRANSFERS_PER_STEP; i++) {
                long want = count < 0 ? Long.MAX_VALUE : count - sent;
                if (want == 0) {
                    finish();
                    return;
                }
                long n = file.transferTo(offset + sent, want, sock);
                if (n > 0) {
                    sent += n;
                    continue;
                }
                if (offset + sent >= file.size()) {
                    finish();
                    return;
                }
                break; // the socket's buffer is full
            }
            writability.request(this);
        } catch (IOException | RuntimeException e) {
            fail(sent == 0 ? new SendfileNotAvailableError("FileChannel.transferTo() failed on its first call for "
                    + sock + ": " + e, e) : e);
        } catch (Error e) {
            // the awaiting task must not wait forever; the caller's fault handling closes the transport
            fail(e);
            throw e;
        }
    }

    /** Asks for writability before the first step (which may make it unneeded). */
    void writabilityFirst() {
        writability.request(this);
    }

    /** Stops asking for writability (the awaiting task is done with the transfer, or cancelled). */
    void stop() {
        writability.release();
    }

    /** Ends the transfer with {@code error} (the connection was lost under it), unless it is over. */
    void fail(Throwable error) {
        writability.release();
        if (!result.done()) {
            result.setException(error);
        }
    }

    private void finish() {
        writability.release();
        result.setResult(sent);
    }

    @Override
    public String toString() {
        return "<NativeSendfile " + file + " offset=" + offset + " count=" + count + " sent=" + sent + ">";
    }
}
