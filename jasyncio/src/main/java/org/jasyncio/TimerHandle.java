package org.jasyncio;

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
public final class TimerHandle extends Handle {
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
    public void cancel() {
        if (!cancelled()) {
            super.cancel();
            loop.timerCancelled(this);
        }
    }

    int compareTo(TimerHandle o) {
        int c = Long.compare(deadline, o.deadline);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
