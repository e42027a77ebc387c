package org.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs coroutines in one event loop that it creates and closes; asyncio's
 * {@code asyncio.Runner} (3.11). {@link Asyncio#run} is a one-shot Runner.
 *
 * <pre>{@code
 * try (var runner = new Runner()) {
 *     runner.run(() -> first());
 *     runner.run(() -> second());   // same loop, same context
 * }
 * }</pre>
 *
 * <p>{@link #close()} cancels the tasks still running and waits for them, closes open
 * async generators, shuts down the default executor (waiting up to 300 seconds) and
 * closes the loop. Not thread-safe: use a runner from one thread.
 *
 * @since 0.1
 */
public final class Runner implements AutoCloseable {
    /** asyncio's THREAD_JOIN_TIMEOUT, in seconds. */
    static final double THREAD_JOIN_TIMEOUT = 300;

    private enum State { CREATED, INITIALIZED, CLOSED }

    private final Boolean debug;
    private final Supplier<? extends EventLoop> loopFactory;
    private State state = State.CREATED;
    private BaseEventLoop loop;
    private Context context;

    /** Creates a runner whose loop's debug mode comes from {@code -Djasyncio.debug}. */
    public Runner() {
        this(null, null);
    }

    /**
     * Creates a runner.
     *
     * @param debug the loop's debug mode
     */
    public Runner(boolean debug) {
        this(debug, null);
    }

    /**
     * Creates a runner with a loop factory; asyncio's {@code Runner(debug, loop_factory)}.
     *
     * @param debug the loop's debug mode, or {@code null} to leave the loop's own
     * @param loopFactory makes the loop, or {@code null} for {@link Asyncio#newEventLoop()}
     */
    public Runner(Boolean debug, Supplier<? extends EventLoop> loopFactory) {
        this.debug = debug;
        this.loopFactory = loopFactory;
    }

    /**
     * Runs {@code coro} in a task on the runner's loop and returns its result; asyncio's
     * {@code Runner.run()}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return its result
     * @throws IllegalStateException if called from a running event loop, or the runner is closed
     * @throws CancelledError if the task was cancelled
     * @throws Exception whatever the coroutine raises
     */
    public <T> T run(Coroutine<T> coro) throws Exception {
        return run(coro, null);
    }

    /**
     * Runs a coroutine that returns nothing.
     *
     * @param coro the coroutine; not {@code null}
     * @throws IllegalStateException if called from a running event loop, or the runner is closed
     * @throws Exception whatever the coroutine raises
     */
    public void run(VoidCoroutine coro) throws Exception {
        run(Coroutine.of(coro), null);
    }

    /**
     * Runs {@code coro} in {@code context}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param context the context, or {@code null} for the runner's own (shared by its runs)
     * @return its result
     * @throws IllegalStateException if called from a running event loop, or the runner is closed
     * @throws Exception whatever the coroutine raises
     */
    public <T> T run(Coroutine<T> coro, Context context) throws Exception {
        Objects.requireNonNull(coro, "coro");
        if (RunningLoops.current() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
        }
        lazyInit();
        Task<T> task = loop.createTask(coro, null, context != null ? context : this.context);
        return RunnerSupport.runMain(loop, task);
    }

    /**
     * Returns the runner's loop, creating it if needed; asyncio's {@code Runner.get_loop()}.
     *
     * @return the loop
     * @throws IllegalStateException if the runner is closed
     */
    public EventLoop getLoop() {
        lazyInit();
        return loop;
    }

    private void lazyInit() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Runner is closed");
        }
        if (state == State.INITIALIZED) {
            return;
        }
        EventLoop l = loopFactory == null ? new SelectorEventLoop() : loopFactory.get();
        if (!(l instanceof BaseEventLoop b)) {
            throw new IllegalStateException("loop factory returned " + l);
        }
        loop = b;
        if (debug != null) {
            loop.setDebug(debug);
        }
        context = Context.copyContext();
        state = State.INITIALIZED;
    }

    /**
     * Cancels the remaining tasks, closes async generators, shuts down the default
     * executor and closes the loop; asyncio's {@code Runner.close()}. Closing twice does
     * nothing.
     *
     * @throws IllegalStateException if called from inside the runner's loop
     */
    @Override
    public void close() {
        if (state != State.INITIALIZED) {
            return;
        }
        BaseEventLoop l = loop;
        try {
            cancelAllTasks(l);
            if (!l.attachments.isEmpty()) {
                runQuietly(l, l.attachments::shutdown);
            }
            if (l.executor.hasDefaultExecutor()) {
                runQuietly(l, () -> l.shutdownDefaultExecutor(THREAD_JOIN_TIMEOUT));
            }
        } finally {
            l.close();
            loop = null;
            state = State.CLOSED;
        }
    }

    private static void runQuietly(BaseEventLoop l, VoidCoroutine c) {
        try {
            l.runUntilComplete(c);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** asyncio's {@code _cancel_all_tasks}. */
    static void cancelAllTasks(BaseEventLoop loop) {
        List<Task<?>> toCancel = new ArrayList<>(loop.tasks.allTasks());
        if (toCancel.isEmpty()) {
            return;
        }
        for (Task<?> t : toCancel) {
            t.cancelInternal(null);
        }
        try {
            loop.runUntilComplete(GatheringFuture.of(loop, toCancel, true));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (Task<?> t : toCancel) {
            if (t.cancelled()) {
                continue;
            }
            Throwable e = t.rawException();
            if (e != null) {
                loop.callExceptionHandler(ExceptionContext.builder("unhandled exception during asyncio.run() shutdown")
                        .exception(e).future(t).build());
            }
        }
    }
}
