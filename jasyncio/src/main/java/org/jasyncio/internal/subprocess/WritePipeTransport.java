package org.jasyncio.internal.subprocess;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.jasyncio.internal.LoopInternals;
import org.jasyncio.internal.WriteFlow;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.transports.WriteTransport;

/**
 * A pipe written by a writer thread, as a {@link WriteTransport}; asyncio's
 * {@code _UnixWritePipeTransport}: a child's stdin (with a {@code WriteSubprocessPipeProto}), or
 * any pipe given to {@code connectWritePipe} (a FIFO, this process's stdout, a channel or stream).
 *
 * <p>{@link #write} copies the bytes into a queue and returns; a writer thread takes everything
 * queued, writes it to the {@link java.lang.Process} stream (blocking while the child does not
 * read) and tells the loop how much went through, which lowers {@link #getWriteBufferSize()} and
 * may resume the protocol. The writer thread lingers {@link #LINGER_SECONDS} for more data, then
 * ends; the next write starts another. The stream is touched by the writer thread only, so the
 * loop never waits behind a blocked write: closing is a request the writer carries out after the
 * queued bytes.
 */
final class WritePipeTransport extends PipeTransport implements WriteTransport {
    static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
    static final long LINGER_SECONDS = 1;
    /** The most written with one system call: Linux's default pipe capacity. */
    static final int SLICE = 64 * 1024;

    private final OutputStream out;
    /**
     * Closes the pipe under a blocked write, from any thread (an interruptible channel's close
     * ends the write at once); {@code null} when there is none, as for a child's stdin, which the
     * JDK closes when the child exits.
     */
    private final Closeable cutter;

    // ---- loop thread ----
    private boolean closing;
    private boolean closedByUser;
    private boolean eofCalled;
    private boolean lost;
    private int droppedWrites;
    private long buffered;
    private final WriteFlow flow;

    // ---- handed to the writer thread without a lock ----
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    /** A writer thread runs or is starting: set by whoever starts one, cleared by a writer that leaves. */
    private final AtomicBoolean writerRunning = new AtomicBoolean();
    /** The writer to unpark; each writer also sets it as it starts, so no wake-up is lost. */
    private volatile Thread writerThread;
    /** Close the stream once the queue is written (close, writeEof). */
    private volatile boolean closeRequested;
    /** Stop at once, dropping the queue (abort, broken pipe, exit, loop close). */
    private volatile boolean stopRequested;
    /** The writer closed the stream: no writer is needed any more. */
    private volatile boolean streamClosed;

    WritePipeTransport(PipeOwner owner, OutputStream out, Closeable cutter) {
        super(owner);
        this.out = out;
        this.cutter = cutter;
        this.flow = new WriteFlow(owner::getProtocol, owner::reportCallback);
    }

    // ---- writer thread ------------------------------------------------------------------------

    private void writer() {
        writerThread = Thread.currentThread();
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                if (!stopRequested) {
                    for (byte[] b; (b = queue.poll()) != null;) {
                        batch.add(b);
                    }
                }
                if (stopRequested || (batch.isEmpty() && closeRequested)) {
                    closeStream();
                    owner.post(this::onStreamClosed);
                    return;
                }
                if (batch.isEmpty()) {
                    if (!lingerForWork() && !stayAfterIdle()) {
                        return;
                    }
                    continue;
                }
                long total = 0;
                for (byte[] b : batch) {
                    // In slices of the pipe's size, so that abort() or the child's exit stops a
                    // long write within one slice.
                    for (int off = 0; off < b.length && !stopRequested; off += SLICE) {
                        int n = Math.min(SLICE, b.length - off);
                        out.write(b, off, n);
                        total += n;
                    }
                }
                out.flush();
                batch.clear();
                long n = total;
                if (!owner.post(() -> written(n))) {
                    stop();
                }
            }
        } catch (IOException e) {
            closeStream();
            owner.post(() -> writeFailed(e));
        }
    }

    private boolean hasWork() {
        return !queue.isEmpty() || closeRequested || stopRequested;
    }

    /** Parks up to {@link #LINGER_SECONDS} for work; {@code false} if none came. */
    private boolean lingerForWork() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINGER_SECONDS);
        while (!hasWork()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    /**
     * The writer was idle for its linger time and leaves, unless work came in the meantime: an
     * enqueue that still saw it running only unparked it. Returns whether this writer stays.
     */
    private boolean stayAfterIdle() {
        writerRunning.set(false);
        if (!hasWork()) {
            return false;
        }
        return writerRunning.compareAndSet(false, true); // else a new writer took over
    }

    /**
     * The writer's last word: no writer runs any more and none is needed, since the stream is
     * closed; whatever is still queued can no longer be written and is dropped.
     */
    private void closeStream() {
        streamClosed = true;
        queue.clear();
        try {
            out.close();
        } catch (IOException ignored) {
            // a broken pipe fails the flush in close(); the pipe is released all the same
        }
    }

    /** Queues {@code data} for the writer thread, starting one if needed; any thread. */
    private void enqueue(byte[] data) {
        if (streamClosed) {
            return;
        }
        if (data != null) {
            queue.add(data);
        }
        if (writerRunning.compareAndSet(false, true)) {
            writerThread = PipeThreads.start("jasyncio-pipe-" + owner.pipeThreadName(0), this::writer);
        } else {
            LockSupport.unpark(writerThread);
        }
    }

    private void requestClose() {
        closeRequested = true;
        enqueue(null);
    }

    /**
     * Drops the queue and has the writer close the stream (a short-lived one if none runs: the
     * loop never touches the stream); thread-safe.
     */
    void stop() {
        stopRequested = true;
        queue.clear();
        enqueue(null);
        if (cutter != null) {
            Pipes.closeQuietly(cutter); // a writer blocked on a reader that does not read ends now
        }
    }

    // ---- loop thread: reports from the writer ----------------------------------------------------

    private void written(long n) {
        if (lost) {
            return;
        }
        buffered -= n;
        flow.maybeResume(buffered);
    }

    private void onStreamClosed() {
        if (!lost && closing && buffered <= 0) {
            connectionLost(null);
        }
    }

    private void writeFailed(IOException e) {
        if (lost) {
            return;
        }
        fail(brokenPipe(e));
    }

    private BrokenPipeError brokenPipe(IOException cause) {
        return new BrokenPipeError("Broken pipe: " + owner.brokenPipeReason()
                + (buffered > 0 ? " with " + buffered + " bytes not written" : ""), cause);
    }

    /** asyncio's _fatal_error with an OSError: lose the pipe with {@code exc}, dropping the buffer. */
    private void fail(Exception exc) {
        if (owner.debug()) {
            ProcessTransport.LOG.log(Level.DEBUG, this + ": " + exc.getMessage(), exc);
        }
        forceClose(exc);
    }

    private void forceClose(Exception exc) {
        if (lost) {
            return;
        }
        closing = true;
        buffered = 0;
        stop();
        lost = true;
        owner.callSoon(() -> owner.pipeConnectionLost(0, exc));
    }

    private void connectionLost(Exception exc) {
        if (!lost) {
            lost = true;
            owner.pipeConnectionLost(0, exc);
        }
    }

    /**
     * The child exited (the JDK closes our end of the stdin pipe now): the pipe is lost at once,
     * with a BrokenPipeError if bytes were still waiting, so that a drain() that follows sees it.
     */
    void processExited() {
        if (lost) {
            return;
        }
        Exception exc = buffered > 0 ? brokenPipe(null) : null;
        if (exc != null && owner.debug()) {
            ProcessTransport.LOG.log(Level.DEBUG, this + ": " + exc.getMessage());
        }
        closing = true;
        buffered = 0;
        stop();
        lost = true;
        owner.pipeConnectionLost(0, exc);
    }

    /** The loop is closing: stop the writer, report nothing more. */
    void loopClosing() {
        closing = true;
        lost = true;
        stop();
    }

    // ---- WriteTransport ---------------------------------------------------------------------------

    private void checkThread(String what) {
        LoopInternals.get().checkThread(owner.loop(), what);
    }

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        checkThread("WriteTransport.write()");
        if (eofCalled) {
            throw new IllegalStateException("Cannot call write() after writeEof(): " + this);
        }
        if (closedByUser && owner.refusesWritesAfterClose()) {
            throw new IllegalStateException("write() on a transport that was closed: " + this);
        }
        if (len == 0) {
            return;
        }
        if (lost || closing) {
            if (droppedWrites >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                ProcessTransport.LOG.log(Level.WARNING, "pipe closed: " + this + " dropped the data ("
                        + droppedWrites + " writes)");
            }
            droppedWrites++;
            return;
        }
        buffered += len;
        enqueue(Arrays.copyOfRange(data, off, off + len));
        flow.maybePause(buffered);
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        write(b, 0, b.length);
    }

    @Override
    public void writeEof() {
        checkThread("WriteTransport.writeEof()");
        if (closing) {
            return;
        }
        eofCalled = true;
        closing = true;
        requestClose();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void abort() {
        checkThread("WriteTransport.abort()");
        closedByUser = true;
        forceClose(null);
    }

    /**
     * asyncio's close(): the queued bytes are still written, then the pipe is closed (the child
     * reads end of file) and {@code pipeConnectionLost(0, null)} follows.
     */
    @Override
    public void close() {
        checkThread("WriteTransport.close()");
        if (lost) {
            return; // already lost by itself: later writes are dropped, as asyncio does
        }
        closedByUser = true;
        if (closing) {
            return;
        }
        closing = true;
        requestClose();
    }

    /**
     * The subprocess transport closes: as {@link #close()}, but later writes are dropped (as
     * after a loss) rather than refused, since the user did not close this pipe.
     */
    void closeFromOwner() {
        if (lost || closing) {
            return;
        }
        closing = true;
        requestClose();
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        checkThread("WriteTransport.setWriteBufferLimits()");
        flow.setLimits(high, low, buffered);
    }

    @Override
    public int[] getWriteBufferLimits() {
        return flow.limits();
    }

    @Override
    public long getWriteBufferSize() {
        return buffered;
    }

    @Override
    public String toString() {
        return "<WritePipeTransport " + owner.pipeLabel(0) + (lost ? " closed" : closing ? " closing" : "")
                + (buffered > 0 ? " buffered=" + buffered : "") + ">";
    }
}
