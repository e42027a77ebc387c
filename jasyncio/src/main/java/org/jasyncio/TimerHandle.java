package org.jasyncio;

import java.util.Objects;

/**
 * A callback scheduled for a point in time by {@link EventLoop#callLater(double, Runnable)}
 * or {@link EventLoop#callAt(double, Runnable)}; asyncio's {@code asyncio.TimerHandle}.
 *
 * <p>Timers run in deadline order; timers with equal deadlines run in the order they were
 * scheduled. A cancelled timer is dropped lazily; the loop compacts its timer queue when
 * cancelled timers outnumber live ones.
 *
 * <p>Thread-safety: as {@link Handle}.
 *
 * @since 0.1
 */
public final class TimerHandle extends Handle implements Comparable<TimerHandle> {
    /** Deadline in nanoseconds on the loop's clock. */
    final long deadline;
    /** Scheduling order, to break ties between equal deadlines. */
    final long seq;
    /** True while the timer sits in the loop's timer queue. */
    boolean scheduled;

    TimerHandle(BaseEventLoop loop, long deadline, long seq, Runnable callback, Context context) {
        super(loop, callback, context);
        this.deadline = deadline;
        this.seq = seq;
    }

    /**
     * Returns the time the callback is scheduled for, on the loop's clock
     * ({@link EventLoop#time()}); asyncio's {@code TimerHandle.when()}.
     *
     * @return the deadline in seconds
     */
    public double when() {
        return deadline / 1e9;
    }

    @Override
    void cancelNow() {
        if (!cancelled()) {
            super.cancelNow();
            loop.timerCancelled(this);
        }
    }

    /** The timer queue's order: by deadline, then by scheduling order. */
    int compareSchedule(TimerHandle o) {
        int c = Long.compare(deadline, o.deadline);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    /**
     * Orders timers by {@link #when()}, as asyncio's {@code TimerHandle.__lt__}.
     *
     * @param o another timer
     * @return negative, zero or positive as this timer is due before, with or after {@code o}
     */
    @Override
    public int compareTo(TimerHandle o) {
        return Long.compare(deadline, o.deadline);
    }

    /**
     * Two timers are equal when they are due at the same time, run the same callback and are
     * both cancelled or both not; asyncio's {@code TimerHandle.__eq__}.
     *
     * @param o another object
     * @return whether {@code o} is an equal timer
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TimerHandle t && t.deadline == deadline && t.cancelled() == cancelled()
                && Objects.equals(t.callbackOrNull(), callbackOrNull());
    }

    /**
     * Hashes the deadline, as asyncio's {@code TimerHandle.__hash__}.
     *
     * @return {@code Double.hashCode(when())}
     */
    @Override
    public int hashCode() {
        return Double.hashCode(when());
    }
}
