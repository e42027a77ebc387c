package org.jasyncio.streams;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.internal.LoopInternals;

/**
 * The writing side's state of a connection, for {@link StreamWriter}: whether the transport
 * asked to pause writing, whether the connection is lost, and the tasks waiting for either;
 * asyncio's {@code streams.FlowControlMixin} plus the "closed" future of
 * {@code StreamReaderProtocol}.
 *
 * <p>A protocol that feeds a {@link StreamWriter} owns one and forwards its
 * {@link BaseProtocol#pauseWriting()}, {@link BaseProtocol#resumeWriting()} and
 * {@link BaseProtocol#connectionLost connectionLost} calls to it; {@link StreamReaderProtocol}
 * does. Any protocol can, for example one over subprocess pipes.
 *
 * <p>Loop-affine: use it on one loop's thread.
 *
 * @since 0.1
 */
public final class FlowControl {
    private final ArrayDeque<Future<Void>> drainWaiters = new ArrayDeque<>();
    private List<Future<Void>> closeWaiters = new ArrayList<>();
    private boolean paused;
    private boolean lost;
    private Exception lostWith;

    /** Makes the state of a connection that is not paused and not lost. */
    public FlowControl() {}

    /**
     * Records that the transport's buffer is over its high-water mark; call it from
     * {@link BaseProtocol#pauseWriting()}.
     */
    public void pauseWriting() {
        paused = true;
    }

    /**
     * Records that the transport's buffer drained, and wakes the tasks waiting in
     * {@link #drain()}; call it from {@link BaseProtocol#resumeWriting()}.
     */
    public void resumeWriting() {
        paused = false;
        for (Future<Void> w : drainWaiters) {
            if (!w.done()) {
                w.setResult(null);
            }
        }
    }

    /**
     * Records that the connection is lost and wakes every waiter: {@link #drain()} waiters
     * with {@code exc} (or normally), {@link #awaitClosed()} waiters likewise. Call it from
     * {@link BaseProtocol#connectionLost}.
     *
     * Called again (a protocol told twice), it keeps the first outcome for
     * {@link #awaitClosed()}, as asyncio's {@code _closed} future does.
     *
     * @param exc what broke the connection, or {@code null} for a regular close
     */
    public void connectionLost(Exception exc) {
        if (!lost) {
            lostWith = exc;
        }
        lost = true;
        if (paused) {
            for (Future<Void> w : drainWaiters) {
                if (!w.done()) {
                    if (exc == null) {
                        w.setResult(null);
                    } else {
                        w.setException(exc);
                    }
                }
            }
        }
        List<Future<Void>> cw = closeWaiters;
        closeWaiters = null;
        if (cw == null) {
            return; // already told: the close waiters were woken the first time
        }
        for (Future<Void> w : cw) {
            if (!w.done()) {
                if (exc == null) {
                    w.setResult(null);
                } else {
                    w.setException(exc);
                }
            }
        }
    }

    /**
     * Tells whether writing is paused.
     *
     * @return {@code true} between {@code pauseWriting} and {@code resumeWriting}
     */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Tells whether the connection is lost.
     *
     * @return {@code true} once {@link #connectionLost} was called
     */
    public boolean isLost() {
        return lost;
    }

    /**
     * Waits while writing is paused; asyncio's {@code _drain_helper()}. Returns at once when
     * it is not.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: nothing is lost.
     *
     * @throws IOException "Connection lost" if the connection is lost (asyncio's
     *         {@code ConnectionResetError}), or the error that broke it while waiting
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void drain() throws IOException {
        if (lost) {
            throw new IOException("Connection lost");
        }
        if (!paused) {
            return;
        }
        Future<Void> w = loop("drain()").createFuture();
        drainWaiters.addLast(w);
        try {
            StreamReader.awaitIo(w);
        } finally {
            drainWaiters.remove(w);
        }
    }

    /**
     * Waits until the connection is lost; returns at once if it is. asyncio's
     * {@code StreamWriter.wait_closed()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: nothing is lost.
     *
     * @throws IOException the error that broke the connection, if any
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public void awaitClosed() throws IOException {
        if (lost) {
            if (lostWith != null) {
                throw StreamReader.asIo(lostWith);
            }
            return;
        }
        Future<Void> w = loop("waitClosed()").createFuture();
        closeWaiters.add(w);
        StreamReader.awaitIo(w);
    }

    private static EventLoop loop(String what) {
        if (LoopInternals.get().currentTaskOrNull() == null) {
            throw new IllegalStateException(what + " can only be called inside a task");
        }
        return Asyncio.getRunningLoop();
    }

    @Override
    public String toString() {
        return "<FlowControl" + (paused ? " paused" : "") + (lost ? " lost" : "") + ">";
    }
}
