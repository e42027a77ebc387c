package org.jasyncio;

/**
 * A poller whose clock is virtual: when a poll would wait and nothing is ready (no I/O event,
 * nothing in the inbox), the clock jumps by the wait instead, straight to the next timer, so
 * code that sleeps for an hour runs in microseconds with exact timing. Real channels still
 * work: the wrapped {@link NioPoller} is asked, without waiting, on every poll. Used by the
 * tests' virtual-time loops; loop thread only, except {@link #wakeup()}.
 */
final class VirtualTimePoller extends Poller {
    private final NioPoller io;
    private long now;

    VirtualTimePoller(NioPoller io) {
        this.io = io;
    }

    @Override
    long nanoTime() {
        return now;
    }

    /** Moves the clock forward by hand (asyncio's {@code TestLoop.advance_time}). */
    void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go backwards: " + nanos);
        }
        now += nanos;
    }

    @Override
    void poll(long timeoutNanos, Inbox inbox) {
        if (timeoutNanos <= 0) {
            io.poll(timeoutNanos == 0 ? 0 : -1, inbox);
            return;
        }
        io.poll(0, inbox);
        if (!io.foundEvents() && inbox.isEmpty()) {
            now += timeoutNanos;
        }
    }

    @Override
    void queueEvents() {
        io.queueEvents();
    }

    @Override
    void wakeup() {
        io.wakeup();
    }

    @Override
    void close() {
        io.close();
    }

    @Override
    NioPoller nio() {
        return io;
    }
}
