package org.jasyncio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jasyncio.internal.net.unix.UnixDatagramEndpoints;
import org.jasyncio.internal.subprocess.Spawner;

/**
 * A virtual clock for an event loop, for tests: the loop's {@link EventLoop#time() time()}
 * stands still until the clock is advanced, by hand with {@link #advance(double)} or on its
 * own when the loop is idle (autojump). A test that sleeps an hour runs in microseconds, and
 * its timers fire in deadline order at exact times. The counterpart of Trio's
 * {@code MockClock}, asyncio's {@code test_utils.TestLoop} and kotlinx's
 * {@code TestCoroutineScheduler}.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();          // autojump at once
 * try (Runner runner = new Runner(null, clock::newEventLoop)) {
 *     runner.run(() -> {
 *         Asyncio.sleep(3600);                      // returns at once
 *         assert Asyncio.getRunningLoop().time() == 3600;
 *     });
 * }
 * }</pre>
 *
 * <h2>Autojump</h2>
 * Whenever the loop has nothing ready to run, no I/O ready, and only timers left to wait
 * for, the clock jumps to the earliest timer. Before it jumps, the loop watches for real
 * events for up to {@link #autojumpThreshold()} seconds of real time (Trio's
 * {@code autojump_threshold}) if it knows of outside work in flight: a channel registered with
 * its selector (a socket, a server, a selectable pipe), a running child process, an open pipe
 * of {@code connectReadPipe}/{@code connectWritePipe} read by a pump thread, an executor job
 * ({@code runInExecutor}, {@code toThread}), a wrapped {@code CompletionStage}, or a task parked
 * in a blocking JDK call. With none of these, it jumps at once, whatever the threshold. So
 * real sockets and subprocesses keep working on a virtual clock as long as each answers
 * within the threshold; a {@code timeout()} around a socket that never answers expires after
 * the threshold of real time. Work the loop cannot see (another thread that will call
 * {@code callSoonThreadsafe}) is not waited for: hand it to the loop as a future
 * ({@link Asyncio#wrapFuture}) or advance the clock by hand. A threshold of
 * {@link Double#POSITIVE_INFINITY} turns autojump off: only {@link #advance} moves the clock.
 *
 * <p>Thread-safe: {@link #time()}, {@link #advance} and the threshold may be used from any
 * thread; an advance from another thread wakes the loop so that the timers falling due run.
 * A clock drives one loop.
 *
 * @since 0.1
 */
public final class VirtualClock {
    /** The time, in nanoseconds; moved by CAS, so the loop thread never takes a lock. */
    private final AtomicLong nanos = new AtomicLong();
    private volatile long thresholdNanos;
    private volatile BaseEventLoop loop;

    /** Creates a clock at time 0 that jumps as soon as the loop is idle (threshold 0). */
    public VirtualClock() {
        this(0);
    }

    /**
     * Creates a clock at time 0.
     *
     * @param autojumpThreshold seconds of real time an idle loop with outside work in flight
     *     watches for I/O before the clock jumps; 0 to jump at once,
     *     {@link Double#POSITIVE_INFINITY} never to jump (advance by hand)
     * @throws IllegalArgumentException if the threshold is negative or NaN
     */
    public VirtualClock(double autojumpThreshold) {
        setAutojumpThreshold(autojumpThreshold);
    }

    /**
     * Creates a clock at time 0, as {@link #VirtualClock(double)}.
     *
     * @param autojumpThreshold real time an idle loop with outside work in flight watches for
     *     I/O before the clock jumps; not negative, not {@code null}
     * @throws IllegalArgumentException if the threshold is negative
     * @throws NullPointerException if {@code autojumpThreshold} is {@code null}
     */
    public VirtualClock(Duration autojumpThreshold) {
        setAutojumpThreshold(autojumpThreshold);
    }

    /**
     * Creates an event loop whose clock is this one; asyncio's {@code new_event_loop()} on a
     * test clock. The caller runs and closes it, as any loop (or hands this method to a
     * {@link Runner} as its loop factory).
     *
     * @return a new, not running loop at this clock's current time
     * @throws IllegalStateException if this clock already made a loop, or the JVM lacks
     *     {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     */
    public synchronized EventLoop newEventLoop() {
        if (loop != null) {
            throw new IllegalStateException("this clock already drives " + loop + "; make a new VirtualClock per loop");
        }
        SelectorEventLoop l = new SelectorEventLoop(this);
        loop = l;
        return l;
    }

    /**
     * Returns the clock of a loop made by {@link #newEventLoop()}.
     *
     * @param loop the loop; not {@code null}
     * @return its clock
     * @throws IllegalArgumentException if the loop runs on the real clock
     * @throws NullPointerException if {@code loop} is {@code null}
     */
    public static VirtualClock of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (loop instanceof BaseEventLoop b && b.poller instanceof VirtualTimePoller v) {
            return v.clock();
        }
        throw new IllegalArgumentException(loop + " runs on the real clock, not a VirtualClock");
    }

    /**
     * Returns the clock's time, which is the loop's {@link EventLoop#time() time()}.
     *
     * @return seconds since the clock was made, counting only jumps and advances
     */
    public double time() {
        return nanos.get() / 1e9;
    }

    /**
     * Moves the clock forward; Trio's {@code MockClock.jump()}, asyncio's
     * {@code TestLoop.advance_time()}. Timers falling due run in the loop's next iteration, in
     * deadline order.
     *
     * @param seconds how far, at least 0
     * @throws IllegalArgumentException if {@code seconds} is negative or NaN
     */
    public void advance(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new IllegalArgumentException("a clock advances by 0 seconds or more, got " + seconds);
        }
        advanceNanos(Seconds.secondsToNanos(seconds));
    }

    /**
     * Moves the clock forward, as {@link #advance(double)}.
     *
     * @param delta how far; not negative, not {@code null}
     * @throws IllegalArgumentException if {@code delta} is negative
     * @throws NullPointerException if {@code delta} is {@code null}
     */
    public void advance(Duration delta) {
        Objects.requireNonNull(delta, "delta");
        if (delta.isNegative()) {
            throw new IllegalArgumentException("a clock advances by 0 seconds or more, got " + delta);
        }
        advanceNanos(Seconds.nanos(delta));
    }

    /**
     * Returns how long an idle loop with outside work in flight watches for I/O before the
     * clock jumps.
     *
     * @return seconds of real time; {@link Double#POSITIVE_INFINITY} if the clock never jumps
     */
    public double autojumpThreshold() {
        long t = thresholdNanos;
        return t == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : t / 1e9;
    }

    /**
     * Sets how long an idle loop with outside work in flight watches for I/O before the clock
     * jumps; Trio's {@code autojump_threshold}. Takes effect at the loop's next idle wait.
     *
     * @param seconds seconds of real time: 0 to jump at once, {@link Double#POSITIVE_INFINITY}
     *     never to jump
     * @throws IllegalArgumentException if {@code seconds} is negative or NaN
     */
    public void setAutojumpThreshold(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new IllegalArgumentException("autojump threshold must be >= 0 seconds, got " + seconds);
        }
        thresholdNanos = seconds == Double.POSITIVE_INFINITY ? Long.MAX_VALUE : Seconds.secondsToNanos(seconds);
    }

    /**
     * Sets the autojump threshold, as {@link #setAutojumpThreshold(double)}.
     *
     * @param threshold real time; not negative, not {@code null}
     * @throws IllegalArgumentException if {@code threshold} is negative
     * @throws NullPointerException if {@code threshold} is {@code null}
     */
    public void setAutojumpThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("autojump threshold must be >= 0, got " + threshold);
        }
        thresholdNanos = Math.min(Seconds.nanos(threshold), Long.MAX_VALUE - 1);
    }

    @Override
    public String toString() {
        return "<VirtualClock time=" + time() + " autojumpThreshold=" + autojumpThreshold() + ">";
    }

    // ---- the loop's side -------------------------------------------------------------

    /** The loop's clock reading. */
    long nanos() {
        return nanos.get();
    }

    private void advanceNanos(long delta) {
        nanos.updateAndGet(n -> Seconds.saturatedAdd(n, delta));
        BaseEventLoop l = loop;
        if (l != null && !l.isClosed()) {
            // The selector's own wake-up, not the loop's: it also ends a select that starts
            // after this call, with a timeout computed from the time before it.
            l.poller.nio().selector().wakeup();
        }
    }

    /**
     * How long, in real nanoseconds, the idle loop watches for I/O before it may jump: 0 to
     * look once, -1 to wait until woken (autojump off). Loop thread.
     */
    long idleWaitNanos(BaseEventLoop l) {
        long t = thresholdNanos;
        if (t == Long.MAX_VALUE) {
            return -1;
        }
        return t == 0 || !outsideWorkInFlight(l) ? 0 : t;
    }

    /**
     * The idle wait of {@link #idleWaitNanos}, begun at clock time {@code from}, found nothing
     * after {@code waitedNanos} of real time: jump to {@code deadline}, unless the wait was cut
     * short (a wake-up), the clock was advanced meanwhile (the loop looks at its timers again),
     * or autojump is off. Loop thread.
     */
    void idleEnded(long from, long deadline, long idleWait, long waitedNanos) {
        if (idleWait < 0 || waitedNanos < idleWait) {
            return;
        }
        nanos.compareAndSet(from, deadline); // unless someone advanced it meanwhile
    }

    /** Whether something outside the loop's own queues may still produce an event. */
    private static boolean outsideWorkInFlight(BaseEventLoop l) {
        if (l.outsideWork.get() > 0 || Spawner.hasRunningChildren(l) || UnixDatagramEndpoints.anyOpen(l)) {
            return true;
        }
        for (SelectionKey k : l.poller.nio().selector().keys()) {
            try {
                if (k.isValid() && k.interestOps() != 0) {
                    return true;
                }
            } catch (CancelledKeyException cancelledMeanwhile) {
                // not watched any more
            }
        }
        for (Task<?> t : l.tasks.allTasks()) {
            if (t.blockedInJdkCall()) {
                return true;
            }
        }
        return false;
    }
}
