package org.jasyncio;

import java.time.Duration;

/**
 * A deadline for a block of code; asyncio's {@code asyncio.Timeout} (3.11), created by
 * {@link Asyncio#timeout(double)} and {@link Asyncio#timeoutAt(double)}.
 *
 * <p>It comes in two forms. The lambda form is exactly asyncio's {@code async with timeout()}:
 * <pre>{@code
 * String page = Asyncio.timeout(10, () -> fetch(url));            // or
 * String page = Asyncio.timeout(10, scope -> { scope.reschedule(...); return fetch(url); });
 * }</pre>
 * When the deadline passes, the task is cancelled: the body sees a plain {@link CancelledError}
 * at the point where it is suspended (or an {@code InterruptedException} from a blocking JDK
 * call), and when it leaves the scope the scope raises {@link TimeoutError} from it, unless
 * the task was also cancelled from elsewhere (then the {@code CancelledError} goes on).
 *
 * <p>The try-with-resources form cannot see the exception leaving its block, so the scope hands
 * the task the {@code TimeoutError} to throw at the suspension point instead:
 * <pre>{@code
 * try (Timeout t = Asyncio.timeout(10)) {
 *     longRunningTask();
 * } catch (TimeoutError e) {
 *     System.out.println("timed out");
 * }
 * }</pre>
 * {@code TimeoutError} is a {@code CancelledError}, so a body's {@code catch (CancelledError e)}
 * clean-up runs. A cancellation from elsewhere wins and stays a plain {@code CancelledError};
 * when nested scopes expire together the outermost one's {@code TimeoutError} is thrown, so it
 * leaves every scope that expired. A blocking JDK call interrupted by the deadline throws its
 * {@code InterruptedException} here; use the lambda form around such calls (README, deviations).
 * {@link #close()} withdraws the cancellation request the scope made ({@link Task#uncancel()}).
 *
 * <p>Entering happens when the scope is created; it must be created inside a task.
 * Loop-affine: call its methods from the task that made it.
 *
 * @since 0.1
 */
public final class Timeout implements AutoCloseable {
    /** asyncio's timeouts._State, whose values its repr and errors show. */
    private enum State {
        ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String value;

        State(String value) {
            this.value = value;
        }
    }

    /**
     * The body of the lambda form that gets its scope, to {@linkplain #reschedule reschedule}
     * it or ask whether it {@linkplain #expired() expired}.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs inside the scope.
         *
         * @param scope the entered scope
         * @return the body's result
         * @throws Exception anything; it leaves the scope as it is
         */
        T run(Timeout scope) throws Exception;
    }

    private final BaseEventLoop loop;
    private final Task<?> task;
    /** The lambda form: the body gets a plain cancellation and exit() converts it. */
    private final boolean exact;
    private final int cancellingAtEnter;
    private final int depth;
    private long deadline;
    private boolean noDeadline;
    private Handle handler;
    private State state;
    private final String what;
    private TimeoutError replacement;

    Timeout(Task<?> task, double when, String what, boolean exact) {
        this.task = task;
        this.loop = task.loop;
        this.what = what;
        this.exact = exact;
        this.state = State.ENTERED;
        this.cancellingAtEnter = task.cancelling();
        this.depth = ++task.scopeDepth;
        reschedule(when);
    }

    /** The lambda form: runs {@code body} in a new scope and leaves it as asyncio's __aexit__. */
    static <T> T run(Task<?> task, double when, String what, Body<T> body) throws Exception {
        Timeout t = new Timeout(task, when, what, true);
        T result;
        try {
            result = body.run(t);
        } catch (Throwable e) {
            throw Throwables.asException(t.exit(e));
        }
        t.exit(null);
        return result;
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
     * past expires the scope through {@code callSoon}, as asyncio does: the body is
     * interrupted at its next suspension point, {@code sleep(0)} included.
     *
     * @param when the new deadline on the loop's clock, or {@code Double.POSITIVE_INFINITY}
     *     for none
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException if the scope has expired or been left, or if called from
     *     another thread while the loop runs
     */
    public void reschedule(double when) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when must not be NaN");
        }
        if (state != State.ENTERED) {
            throw new IllegalStateException("Cannot change state of " + state.value + " Timeout");
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
        deadline = Seconds.secondsToNanos(when);
        long delay = deadline - loop.nanoTime();
        if (delay <= 0) {
            Handle h = new Handle(loop, this::onTimeout, null);
            loop.callSoon0(h);
            handler = h;
        } else {
            handler = loop.callLaterInternal(delay, this::onTimeout);
        }
    }

    /**
     * Moves the deadline to {@code delay} from now.
     *
     * @param delay the new remaining time; zero or negative expires it at once
     * @throws IllegalStateException if the scope has expired or been left
     */
    public void reschedule(Duration delay) {
        reschedule(loop.time() + Seconds.nanos(delay) / 1e9);
    }

    /**
     * Tells whether the deadline passed while the scope was open; asyncio's
     * {@code Timeout.expired()}.
     *
     * @return {@code true} if the scope expired
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
        if (exact) {
            task.requestCancel(null);
        } else {
            // The outermost expired scope wins, so its TimeoutError leaves every expired scope.
            replacement = new TimeoutError(what);
            task.requestCancel(null, replacement, (1 << 20) - depth);
        }
    }

    /**
     * Leaves the scope (the try-with-resources form): cancels the deadline, and if it expired
     * withdraws the scope's cancellation request ({@link Task#uncancel()}), so a
     * {@code TimeoutError} that was not yet thrown is not thrown any more. Idempotent.
     *
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    @Override
    public void close() {
        exit(null);
    }

    /** asyncio's __aexit__: returns what leaves the scope in place of {@code e}. */
    private Throwable exit(Throwable e) {
        if (state == State.EXITED || state == State.EXPIRED) {
            return e;
        }
        loop.checkThread("Timeout.close()");
        task.scopeDepth--;
        if (handler != null) {
            handler.cancel();
            handler = null;
        }
        if (state == State.ENTERED) {
            state = State.EXITED;
            return e;
        }
        state = State.EXPIRED;
        if (replacement != null) {
            task.withdrawReplacement(replacement);
        }
        if (task.uncancel() <= cancellingAtEnter && exact
                && (Throwables.isCancellation(e) || e instanceof InterruptedException)) {
            Thread.interrupted();
            return new TimeoutError(what, e);
        }
        return e;
    }

    /**
     * asyncio's repr: {@code <Timeout [active] when=12.345>} ({@code when=None} without a
     * deadline), {@code <Timeout [expired]>}, {@code <Timeout [finished]>}.
     */
    @Override
    public String toString() {
        String when = "";
        if (state == State.ENTERED) {
            when = noDeadline ? " when=None" : " when=" + Math.round(when() * 1000) / 1000.0;
        }
        return "<Timeout [" + state.value + "]" + when + ">";
    }
}
