package org.jasyncio.internal.subprocess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jasyncio.internal.LoopInternals;
import org.jasyncio.transports.ReadTransport;

/**
 * A pipe read by a pump thread, as a {@link ReadTransport}; asyncio's
 * {@code _UnixReadPipeTransport}: a child's stdout or stderr (with a
 * {@code ReadSubprocessPipeProto}), or any pipe given to {@code connectReadPipe} (a FIFO, this
 * process's stdin, a channel or stream that cannot be selected).
 *
 * <p>A pump thread reads the pipe (blocking, up to 64 KiB at a time) and posts each chunk to the
 * loop's inbox. The pump and the loop share no lock: the pump spends <em>credits</em>, a count of
 * bytes it may read before the loop has handed them to the protocol ({@link #READ_AHEAD}), and
 * parks when it has none; the loop gives a chunk's credit back when it delivers the chunk, and
 * unparks the pump. While the protocol has paused reading, chunks that arrive are held on the
 * loop and delivered in order on {@link #resumeReading()}; no credit comes back meanwhile, so the
 * pump stops after at most {@link #READ_AHEAD} bytes and a fast child blocks in its write, as it
 * would under asyncio.
 *
 * <p>The pipe is read through a channel when there is one (for a child's output, when
 * {@link PipeChannels} can take it): {@link #close()} then closes the descriptor at once, even
 * under a blocked read of an interruptible channel, so the writer's next write fails with a
 * broken pipe. Otherwise the pump reads the stream and closes it after the read in progress.
 */
final class ReadPipeTransport extends PipeTransport implements ReadTransport {
    static final int CHUNK = 64 * 1024;
    /** Bytes the pump may read ahead of the protocol: four chunks. */
    static final long READ_AHEAD = 4L * CHUNK;
    /** Posted after the last chunk: the child closed its end. */
    private static final byte[] EOF = new byte[0];

    private final int fd;
    /**
     * The JDK's stream: the whole pipe without a channel, else what the JDK drained from it;
     * {@code null} when only the channel exists (a pipe that is not a child's).
     */
    private final InputStream in;
    /** The pipe, or {@code null} to read {@link #in} instead. */
    private final ReadableByteChannel channel;

    // ---- loop thread ----
    private boolean closing;
    private boolean lost;
    private boolean paused;
    /** Chunks (and EOF) that arrived while paused or before earlier held ones went out. */
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();

    // ---- between the loop and the pump, without a lock ----
    private final AtomicLong credits = new AtomicLong(READ_AHEAD);
    private volatile boolean stopped;
    private volatile Thread pump;
    /** Whoever sets it first closes the channel: the JDK's close lock is then taken by one thread. */
    private final AtomicBoolean channelClosed = new AtomicBoolean();

    ReadPipeTransport(PipeOwner owner, int fd, InputStream in, ReadableByteChannel channel) {
        super(owner);
        this.fd = fd;
        this.in = in;
        this.channel = channel;
    }

    /** Starts the pump; loop thread, after the protocol's connectionMade. */
    void start() {
        if (stopped) {
            return;
        }
        pump = PipeThreads.start("jasyncio-pipe-" + owner.pipeThreadName(fd), this::pump);
    }

    // ---- pump thread --------------------------------------------------------------------------

    private void pump() {
        byte[] buf = null;
        boolean fromChannel = channel != null;
        try {
            while (true) {
                long allowed = awaitCredits();
                if (allowed <= 0) {
                    return; // stopped
                }
                if (buf == null) {
                    buf = new byte[CHUNK];
                }
                int want = (int) Math.min(CHUNK, allowed);
                int n;
                if (fromChannel) {
                    try {
                        n = channel.read(ByteBuffer.wrap(buf, 0, want));
                    } catch (ClosedChannelException closed) {
                        if (stopped) {
                            return; // closed by the transport
                        }
                        if (in == null) {
                            throw closed; // closed by someone else: a read error
                        }
                        // closed by the JDK's reaper at the child's exit: the rest is in its stream
                        fromChannel = false;
                        continue;
                    }
                } else {
                    n = in.read(buf, 0, want);
                }
                if (n < 0) {
                    owner.post(() -> arrived(EOF));
                    return;
                }
                if (n == 0) {
                    continue;
                }
                credits.addAndGet(-n);
                // A full read is handed over as it is (the protocol keeps the array); a short one
                // is copied to its size and the buffer reused.
                byte[] data;
                if (n == CHUNK) {
                    data = buf;
                    buf = null;
                } else {
                    data = Arrays.copyOf(buf, n);
                }
                if (!owner.post(() -> arrived(data))) {
                    return; // the loop is closed
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                owner.post(() -> readFailed(e));
            }
        } finally {
            release();
        }
    }

    /** Parks until there is credit or the pump is stopped; returns the credit, 0 if stopped. */
    private long awaitCredits() {
        while (!stopped) {
            long c = credits.get();
            if (c > 0) {
                return c;
            }
            LockSupport.park(this);
        }
        return 0;
    }

    /**
     * Closes the pipe: the channel from any thread, once (a read blocked in it ends at once);
     * without a channel, the stream, from the pump only (or before it started), since a close
     * from the loop would wait behind the read in progress.
     */
    private void release() {
        if (channel != null) {
            if (channelClosed.compareAndSet(false, true)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the descriptor is released all the same
                }
            }
            return;
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Stops the pump; with a channel, closes the pipe now. Any thread. */
    void stopPump() {
        stopped = true;
        LockSupport.unpark(pump);
        if (channel != null) {
            release();
        }
    }

    // ---- loop thread: what the pump posts -----------------------------------------------------

    private void arrived(byte[] chunk) {
        if (closing) {
            return;
        }
        if (paused || !held.isEmpty()) {
            held.addLast(chunk);
            return;
        }
        deliver(chunk);
    }

    private void deliver(byte[] chunk) {
        if (chunk == EOF) {
            eofReceived();
            return;
        }
        // the credit goes back before the protocol runs: it may pause reading, which holds
        // what comes next rather than stopping the pump at once, as asyncio's pause does
        if (credits.getAndAdd(chunk.length) <= 0) {
            LockSupport.unpark(pump);
        }
        owner.pipeDataReceived(fd, chunk);
    }

    /** Delivers held chunks in order until paused again; loop thread. */
    private void deliverHeld() {
        while (!closing && !paused && !held.isEmpty()) {
            deliver(held.pollFirst());
        }
    }

    private void eofReceived() {
        if (closing) {
            return;
        }
        closing = true;
        if (owner.debug()) {
            ProcessTransport.LOG.log(System.Logger.Level.DEBUG, this + " was closed by the writer");
        }
        if (channel != null) {
            release(); // closed before connectionLost, as asyncio closes the pipe there
        }
        owner.pipeEofReceived(fd);
        connectionLost(null);
    }

    private void readFailed(IOException e) {
        if (closing) {
            return;
        }
        closing = true;
        held.clear();
        stopPump();
        connectionLost(e);
    }

    private void connectionLost(Exception exc) {
        if (!lost) {
            lost = true;
            owner.pipeConnectionLost(fd, exc);
        }
    }

    /** The loop is closing: stop the pump, report nothing more. */
    void loopClosing() {
        closing = true;
        lost = true;
        held.clear();
        stopPump();
        if (pump == null && channel == null) {
            release(); // never started: nobody else will close the stream
        }
    }

    // ---- for tests ----------------------------------------------------------------------------

    /** Whether the pipe is read through a channel. */
    boolean readsChannel() {
        return channel != null;
    }

    /** Bytes read and not yet delivered (in the inbox or held); any thread, approximate. */
    long readAhead() {
        return READ_AHEAD - credits.get();
    }

    /** Bytes held on the loop while paused; loop thread. */
    long heldBytes() {
        long n = 0;
        for (byte[] b : held) {
            n += b.length;
        }
        return n;
    }

    // ---- ReadTransport ----------------------------------------------------------------------

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        LoopInternals.get().checkThread(owner.loop(), "ReadTransport.pauseReading()");
        if (closing || paused) {
            return;
        }
        paused = true;
        if (owner.debug()) {
            ProcessTransport.LOG.log(System.Logger.Level.DEBUG, this + " pauses reading");
        }
    }

    @Override
    public void resumeReading() {
        LoopInternals.get().checkThread(owner.loop(), "ReadTransport.resumeReading()");
        if (closing || !paused) {
            return;
        }
        paused = false;
        if (!held.isEmpty()) {
            owner.callSoon(this::deliverHeld); // asyncio: data comes on a later iteration
        }
        if (owner.debug()) {
            ProcessTransport.LOG.log(System.Logger.Level.DEBUG, this + " resumes reading");
        }
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /**
     * asyncio's close(): stops reading and closes the pipe, so the child's next write fails with
     * a broken pipe; {@code pipeConnectionLost(fd, null)} follows on the next iteration. Without
     * a channel ({@link PipeChannels}) the pipe is closed after the read in progress. With one,
     * the JDK's close signals the pump out of read(2) and waits until it has left (microseconds):
     * the pump holds no lock meanwhile, so that wait cannot wait on the loop.
     */
    @Override
    public void close() {
        LoopInternals.get().checkThread(owner.loop(), "ReadTransport.close()");
        if (closing) {
            return;
        }
        closing = true;
        held.clear();
        stopPump();
        if (pump == null) {
            release(); // never started: nobody else will close the stream
        }
        owner.callSoon(() -> connectionLost(null));
    }

    @Override
    public String toString() {
        return "<ReadPipeTransport " + owner.pipeLabel(fd) + (closing ? " closed" : paused ? " paused" : "")
                + ">";
    }
}
