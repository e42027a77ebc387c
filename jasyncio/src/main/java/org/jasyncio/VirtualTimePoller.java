package org.jasyncio;

/**
 * A poller on a {@link VirtualClock}: when a poll would wait and only timers are left, it
 * watches for real I/O as the clock says (its autojump threshold, while something outside the
 * loop may still produce an event), and if nothing came, the clock jumps by the wait, straight
 * to the next timer, so code that sleeps for an hour runs in microseconds with exact timing.
 * Real channels still work: the wrapped {@link NioPoller} is asked on every poll. Loop thread
 * only, except {@link #wakeup()}; the clock itself is moved lock-free.
 */
final class VirtualTimePoller extends Poller {
    private final NioPoller io;
    private final VirtualClock clock;
    private final BaseEventLoop loop;

    VirtualTimePoller(NioPoller io, VirtualClock clock, BaseEventLoop loop) {
        this.io = io;
        this.clock = clock;
        this.loop = loop;
    }

    VirtualClock clock() {
        return clock;
    }

    @Override
    long nanoTime() {
        return clock.nanos();
    }

    @Override
    void poll(long timeoutNanos, Inbox inbox) {
        if (timeoutNanos <= 0 || !inbox.isEmpty()) {
            io.poll(timeoutNanos, inbox);
            return;
        }
        long from = clock.nanos();
        long to = Seconds.saturatedAdd(from, timeoutNanos);
        long idleWait = clock.idleWaitNanos(loop);
        long start = System.nanoTime();
        io.poll(idleWait, inbox);
        if (!io.foundEvents() && inbox.isEmpty()) {
            clock.idleEnded(from, to, idleWait, System.nanoTime() - start);
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
