package org.jasyncio.internal.subprocess;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jasyncio.internal.LoopInternals;
import org.jasyncio.transports.ReadTransport;

/**
 * A child's stdout or stderr as a {@link ReadTransport}; asyncio's
 * {@code _UnixReadPipeTransport} with a {@code ReadSubprocessPipeProto}.
 *
 * <p>A pump thread reads the {@link java.lang.Process} stream (blocking, up to 64 KiB at a time)
 * and posts each chunk to the loop, which hands it to the {@link ProcessTransport}. At most
 * {@link #MAX_IN_FLIGHT} chunks wait in the loop's inbox: a pump that gets ahead of the loop waits,
 * so memory stays bounded and a fast child blocks in its write, as it would with asyncio.
 * {@link #pauseReading()} stops the pump before its next read (the chunk being read still arrives).
 *
 * <p>The stream is touched by the pump thread only: closing it from the loop could block the
 * loop behind a read in progress. {@link #close()} stops the pump, which closes the stream after
 * its current read.
 */
final class ReadPipeTransport extends PipeTransport implements ReadTransport {
    static final int CHUNK = 64 * 1024;
    static final int MAX_IN_FLIGHT = 4;

    private final int fd;
    private final InputStream in;

    // ---- loop thread ----
    private boolean closing;
    private boolean lost;
    private boolean paused;

    // ---- shared with the pump, under lock ----
    final ReentrantLock lock = new ReentrantLock(); // package-private: PipeLocksTest holds it
    private final Condition changed = lock.newCondition();
    private boolean pumpPaused;
    private boolean pumpStopped;
    private int inFlight;

    ReadPipeTransport(ProcessTransport owner, int fd, InputStream in) {
        super(owner);
        this.fd = fd;
        this.in = in;
    }

    /** Starts the pump; loop thread, after the protocol's connectionMade. */
    void start() {
        PipeThreads.start("jasyncio-pipe-" + owner.getPid() + (fd == 1 ? "-stdout" : "-stderr"), this::pump);
    }

    private void pump() {
        byte[] buf = null;
        try {
            while (true) {
                lock.lock();
                try {
                    while (!pumpStopped && (pumpPaused || inFlight >= MAX_IN_FLIGHT)) {
                        changed.await();
                    }
                    if (pumpStopped) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                if (buf == null) {
                    buf = new byte[CHUNK];
                }
                int n = in.read(buf, 0, CHUNK);
                if (n < 0) {
                    owner.post(this::eofReceived);
                    return;
                }
                if (n == 0) {
                    continue;
                }
                // A full read is handed over as it is (the protocol keeps the array); a short one
                // is copied to its size and the buffer reused.
                byte[] data;
                if (n == CHUNK) {
                    data = buf;
                    buf = null;
                } else {
                    data = Arrays.copyOf(buf, n);
                }
                lock.lock();
                try {
                    inFlight++;
                } finally {
                    lock.unlock();
                }
                if (!owner.post(() -> deliver(data))) {
                    return; // the loop is closed
                }
            }
        } catch (IOException e) {
            if (!stopped()) {
                owner.post(() -> readFailed(e));
            }
        } catch (InterruptedException e) {
            // stopped by loop close
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    private boolean stopped() {
        lock.lock();
        try {
            return pumpStopped;
        } finally {
            lock.unlock();
        }
    }

    /** Tells the pump to stop before its next read; thread-safe. */
    void stopPump() {
        LoopSideLocks.acquire(lock);
        try {
            pumpStopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void deliver(byte[] data) {
        LoopSideLocks.acquire(lock);
        try {
            if (inFlight-- == MAX_IN_FLIGHT) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (!closing) {
            owner.pipeDataReceived(fd, data);
        }
    }

    private void eofReceived() {
        if (closing) {
            return;
        }
        closing = true;
        if (owner.debug()) {
            ProcessTransport.LOG.log(System.Logger.Level.DEBUG, this + " was closed by the child");
        }
        connectionLost(null);
    }

    private void readFailed(IOException e) {
        if (closing) {
            return;
        }
        closing = true;
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
        stopPump();
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
        LoopSideLocks.acquire(lock);
        try {
            pumpPaused = true;
        } finally {
            lock.unlock();
        }
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
        LoopSideLocks.acquire(lock);
        try {
            pumpPaused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
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
     * asyncio's close(): stops reading; {@code pipeConnectionLost(fd, null)} follows on the next
     * iteration. The child gets a broken pipe on its next write once the pump has let go.
     */
    @Override
    public void close() {
        LoopInternals.get().checkThread(owner.loop(), "ReadTransport.close()");
        if (closing) {
            return;
        }
        closing = true;
        stopPump();
        owner.callSoon(() -> connectionLost(null));
    }

    @Override
    public String toString() {
        return "<ReadPipeTransport pid=" + owner.getPid() + " fd=" + fd + (closing ? " closed" : paused ? " paused" : "")
                + ">";
    }
}
