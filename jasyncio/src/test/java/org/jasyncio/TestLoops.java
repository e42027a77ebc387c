package org.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Test support shared by every test package: loops with a virtual clock, a collecting
 * exception handler, and helpers to run a coroutine to the end. asyncio's
 * {@code test_utils.TestLoop}.
 */
public final class TestLoops {
    private TestLoops() {}

    /**
     * A loop whose clock jumps to the next timer whenever nothing else is ready, so tests
     * that sleep for seconds run in microseconds and their timing is exact. The public form is
     * {@link VirtualClock}; jasyncio's own tests cannot use the jasyncio-test module's
     * {@code @AsyncioTest}, which depends on this module.
     *
     * @return a new loop on a {@link VirtualClock} at 0 that jumps at once (threshold 0)
     */
    public static EventLoop virtualTimeLoop() {
        return new VirtualClock().newEventLoop();
    }

    /**
     * Runs {@code coro} on a new virtual-time loop, closes the loop and returns the result.
     *
     * @param <T> the result type
     * @param coro the main coroutine
     * @return its result
     * @throws Exception what it raises
     */
    public static <T> T runVirtual(Coroutine<T> coro) throws Exception {
        try (Runner r = new Runner(null, TestLoops::virtualTimeLoop)) {
            return r.run(coro);
        }
    }

    /**
     * Runs a void coroutine on a new virtual-time loop.
     *
     * @param coro the main coroutine
     * @throws Exception what it raises
     */
    public static void runVirtual(VoidCoroutine coro) throws Exception {
        runVirtual(Coroutine.of(coro));
    }

    /**
     * Runs the loop's iterations until {@code condition} holds (asyncio's
     * {@code test_utils.run_until}); the loop must not be running.
     *
     * @param loop the loop
     * @param condition checked after each iteration
     * @param maxIterations a bound, to fail instead of hanging
     * @throws AssertionError if the condition does not hold in time
     */
    public static void runUntil(EventLoop loop, BooleanSupplier condition, int maxIterations) {
        BaseEventLoop l = (BaseEventLoop) loop;
        for (int i = 0; i < maxIterations; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            runOnce(l);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("condition not met after " + maxIterations + " iterations");
        }
    }

    /**
     * Runs exactly one iteration of a loop that is not running (asyncio's
     * {@code test_utils.run_briefly} runs one).
     *
     * @param loop the loop
     */
    public static void runOnce(EventLoop loop) {
        BaseEventLoop l = (BaseEventLoop) loop;
        l.callSoon(l::stop);
        l.runForever();
    }

    /**
     * Runs the loop until a task that yields once has finished (asyncio's
     * {@code test_utils.run_briefly}): a few iterations, enough for callbacks scheduled now
     * and the steps they wake to run.
     *
     * @param loop a loop that is not running
     */
    public static void runBriefly(EventLoop loop) {
        try {
            loop.runUntilComplete(() -> Asyncio.sleep(0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Moves a virtual-time loop's clock forward (asyncio's {@code TestLoop.advance_time}), for
     * tests that shift time from inside a task.
     *
     * @param loop a loop from {@link #virtualTimeLoop()}
     * @param seconds how far, at least 0
     * @throws IllegalArgumentException if the loop's clock is not virtual
     */
    public static void advanceTime(EventLoop loop, double seconds) {
        VirtualClock.of(loop).advance(seconds);
    }

    /** An exception handler that records every context it is given. */
    public static final class Collector implements ExceptionHandler {
        private final List<ExceptionContext> contexts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(EventLoop loop, ExceptionContext context) {
            contexts.add(context);
        }

        /**
         * Returns what was recorded so far.
         *
         * @return a snapshot
         */
        public List<ExceptionContext> contexts() {
            synchronized (contexts) {
                return new ArrayList<>(contexts);
            }
        }

        /**
         * Returns the messages recorded so far.
         *
         * @return a snapshot of the messages
         */
        public List<String> messages() {
            List<String> l = new ArrayList<>();
            for (ExceptionContext c : contexts()) {
                l.add(c.message());
            }
            return l;
        }
    }
}
