package org.jasyncio.test;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Runner;
import org.jasyncio.Task;
import org.jasyncio.VirtualClock;

/**
 * One {@code @AsyncioTest} method's loop: a {@link Runner} (on a {@link VirtualClock} if asked)
 * and the leak reports its loop's exception handler collected. Made on the test's thread, when
 * the first parameter is resolved or the method is intercepted; closed once.
 */
final class LoopFixture implements AutoCloseable {
    private final AsyncioTest config;
    private final VirtualClock clock;
    private final Runner runner;
    private final LeakReports leaks = new LeakReports();
    private boolean closed;

    LoopFixture(AsyncioTest config) {
        this.config = config;
        this.clock = config.virtualTime() ? new VirtualClock(config.autojumpThreshold()) : null;
        this.runner = new Runner(config.debug() ? Boolean.TRUE : null, clock == null ? null : clock::newEventLoop);
        if (config.checkLeaks()) {
            runner.getLoop().setExceptionHandler(leaks);
        }
    }

    EventLoop loop() {
        return runner.getLoop();
    }

    VirtualClock clock() {
        return clock;
    }

    /** A test body: JUnit's invocation, which may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /**
     * Runs the body as the runner's main task, closes the runner, and throws the body's
     * failure or the leaks found, the leaks suppressed into the body's failure if both.
     */
    void run(Body body) throws Throwable {
        Throwable failure = null;
        try {
            runner.run(() -> {
                try {
                    body.run();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("the test body threw a Throwable that is neither Exception nor Error", t);
                }
                if (config.checkLeaks()) {
                    checkNothingPending();
                }
            });
        } catch (Throwable t) {
            failure = t;
        }
        try {
            close();
        } catch (Throwable t) {
            failure = combine(failure, t);
        }
        if (config.checkLeaks()) {
            AssertionError leaked = leaks.failure();
            if (leaked != null) {
                failure = combine(failure, leaked);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Inside the main task, right after the body: every other task must be done. */
    private static void checkNothingPending() {
        Task<?> main = Asyncio.currentTask();
        List<Task<?>> pending = new ArrayList<>();
        for (Task<?> t : Asyncio.allTasks()) {
            if (t != main) {
                pending.add(t);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pending.size()).append(pending.size() == 1 ? " task is" : " tasks are")
                .append(" still pending after the test body returned (await or cancel them, use a TaskGroup, or "
                        + "@AsyncioTest(checkLeaks = false)):");
        for (Task<?> t : pending) {
            sb.append("\n  ").append(t);
        }
        throw new AssertionError(sb.toString());
    }

    private static Throwable combine(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    /** Closes the runner (and so the loop) once: cancels what is left, as Asyncio.run does. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        runner.close();
    }
}
