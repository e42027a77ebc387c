package org.jasyncio;

import java.time.Duration;

/**
 * A deadline for the code inside a {@code try}-with-resources block; asyncio's
 * {@code asyncio.Timeout} (3.11), created by {@link Asyncio#timeout(double)} and
 * {@link Asyncio#timeoutAt(double)}.
 *
 * <pre>{@code
 * try (Timeout t = Asyncio.timeout(10)) {
 *     longRunningTask();
 * } catch (TimeoutError e) {
 *     System.out.println("timed out");
 * }
 * }</pre>
 *
 * <p>When the deadline passes, the task is cancelled: a {@link TimeoutError} (which is a
 * {@link CancelledError}) is thrown at the point where the block is suspended, and leaves
 * the block. Scopes nest; only the one whose deadline passed raises; a cancellation from
 * elsewhere stays a plain {@code CancelledError}. {@link #close()} withdraws the
 * cancellation request the scope made ({@link Task#uncancel()}).
 *
 * <p>Entering happens when the scope is created; it must be created inside a task.
 * Loop-affine.
 *
 * @since 0.1
 */
public final class Timeout implements AutoCloseable {
    private enum State { ENTERED, EXPIRING, EXPIRED, EXITED }

    private final BaseEventLoop loop;
    private final Task<?> task;
    private long deadline;
    private boolean noDeadline;
    private TimerHandle handler;
    private State state;
    private final String what;

    Timeout(Task<?> task, double when, String what) {
        this.task = task;
        this.loop = task.loop;
        this.what = what;
        this.state = State.ENTERED;
        reschedule(when);
    }

    /**
     * Returns the deadline on the loop's clock ({@link EventLoop#time()}); asyncio's
     * {@code Timeout.when()}.
     *
     * @return the deadline in seconds, or {@code Double.POSITIVE_INFINITY} when there is none
     */
    public double when() {
        return noDeadline ? Double.POSITIVE_INFINITY : deadline / 1e9;
    }

    /**
     * Moves the deadline; asyncio's {@code Timeout.reschedule(when)}. A deadline already
     * past expires the scope on the next loop iteration.
     *
     * @param when the new deadline on the loop's clock, in seconds;
     *        {@code Double.POSITIVE_INFINITY} removes it
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException if the scope has expired or been closed
     */
    public void reschedule(double when) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when must not be NaN");
        }
        if (state != State.ENTERED) {
            throw new IllegalStateException("Cannot change state of " + state.name().toLowerCase() + " Timeout");
        }
        loop.checkThread("Timeout.reschedule()");
        if (handler != null) {
            handler.cancel();
            handler = null;
        }
        if (when == Double.POSITIVE_INFINITY) {
            noDeadline = true;
            return;
        }
        noDeadline = false;
        deadline = BaseEventLoop.secondsToNanos(when);
        long delay = Math.max(0, deadline - loop.nanoTime());
        handler = loop.callLaterInternal(delay, this::onTimeout);
    }

    /**
     * Moves the deadline to {@code delay} from now.
     *
     * @param delay the new remaining time, not negative
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException if the scope has expired or been closed
     */
    public void reschedule(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        reschedule(loop.time() + BaseEventLoop.nanos(delay) / 1e9);
    }

    /**
     * Tells whether the deadline passed and the scope cancelled the task; asyncio's
     * {@code Timeout.expired()}.
     *
     * @return {@code true} once expired
     */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    private void onTimeout() {
        if (state != State.ENTERED) {
            return;
        }
        handler = null;
        state = State.EXPIRING;
        task.requestCancel(null, new TimeoutError(what));
    }

    /**
     * Leaves the scope: cancels the pending deadline and, if the scope expired, withdraws
     * its cancellation request. Does not suspend. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (handler != null) {
            handler.cancel();
            handler = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            task.uncancel();
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
    }

    @Override
    public String toString() {
        return "<Timeout [" + state.name().toLowerCase() + "]" + (state == State.ENTERED ? " when=" + when() : "") + ">";
    }
}
