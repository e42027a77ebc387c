package org.jasyncio;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * An event loop: one platform thread that runs callbacks, timers, I/O handlers and the
 * steps of tasks, one at a time; asyncio's {@code asyncio.AbstractEventLoop}.
 *
 * <p>Obtain one with {@link Asyncio#newEventLoop()} (or let {@link Asyncio#run} make one),
 * run it with {@link #runUntilComplete} or {@link #runForever}, and {@link #close()} it
 * when done. The thread that calls {@code runForever} or {@code runUntilComplete} becomes
 * the loop thread until the call returns; it must be a platform thread.
 *
 * <h2>One iteration</h2>
 * As CPython's {@code BaseEventLoop._run_once}: wait for I/O (not at all if callbacks are
 * ready, else until the earliest timer, else until woken), queue the I/O callbacks, move
 * due timers to the ready queue, take the callbacks posted from other threads, then run
 * exactly the callbacks that were ready at that moment: callbacks scheduled while they run
 * wait for the next iteration. {@code callSoon} is FIFO; timers run by deadline, equal
 * deadlines in the order they were scheduled.
 *
 * <h2>Threads</h2>
 * Loop-affine: call the methods of this interface from the loop thread (a callback or a
 * task of this loop), or from any single thread while the loop is not running. While it
 * runs, other threads may call only {@link #callSoonThreadsafe}, {@link #stop()},
 * {@link #time()}, {@link #isRunning()}, {@link #isClosed()} and {@link #getDebug()};
 * other calls from other threads throw {@link IllegalStateException}.
 *
 * <h2>Errors</h2>
 * Every method that schedules work throws {@link IllegalStateException} ("Event loop is
 * closed") once the loop is closed.
 *
 * @since 0.1
 */
public sealed interface EventLoop extends AutoCloseable permits BaseEventLoop {

    // ---- running and stopping ----------------------------------------------------------

    /**
     * Runs the loop until {@link #stop()} is called; asyncio's {@code run_forever()}. If
     * {@code stop()} is called while callbacks run, the current batch finishes first.
     *
     * @throws IllegalStateException if the loop is closed, already running, another loop
     *         runs on this thread, or this is a virtual thread
     */
    void runForever();

    /**
     * Runs the loop until {@code future} is done and returns its result; asyncio's
     * {@code run_until_complete()}.
     *
     * @param <T> the result type
     * @param future a future or task of this loop
     * @return the future's result
     * @throws IllegalStateException if the loop is closed or already running, if the future
     *         belongs to another loop, or if the loop was stopped before the future was done
     * @throws CancelledError if the future was cancelled
     * @throws Exception the future's exception
     */
    <T> T runUntilComplete(Future<T> future) throws Exception;

    /**
     * Wraps {@code coro} in a task and runs the loop until it is done; asyncio's
     * {@code run_until_complete(coro)}.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return its result
     * @throws IllegalStateException as {@link #runUntilComplete(Future)}
     * @throws Exception whatever the coroutine raises
     */
    <T> T runUntilComplete(Coroutine<T> coro) throws Exception;

    /**
     * Wraps {@code coro} in a task and runs the loop until it is done.
     *
     * @param coro the coroutine
     * @throws IllegalStateException as {@link #runUntilComplete(Future)}
     * @throws Exception whatever the coroutine raises
     */
    void runUntilComplete(VoidCoroutine coro) throws Exception;

    /**
     * Asks the loop to stop after the current iteration; asyncio's {@code stop()}.
     * Thread-safe: wakes the loop when called from another thread.
     */
    void stop();

    /**
     * Tells whether the loop is running. Thread-safe.
     *
     * @return {@code true} while {@code runForever} or {@code runUntilComplete} runs
     */
    boolean isRunning();

    /**
     * Tells whether the loop was closed. Thread-safe.
     *
     * @return {@code true} once {@link #close()} returned
     */
    boolean isClosed();

    /**
     * Closes the loop: drops pending callbacks and timers, shuts the default executor down
     * without waiting, and releases the selector; asyncio's {@code close()}. Closing a
     * closed loop does nothing. Tasks still pending are abandoned; {@link Asyncio#run}
     * cancels them first.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    void close();

    /**
     * Returns the loop's clock: monotonic seconds, the time base of {@link #callAt};
     * asyncio's {@code loop.time()}. Thread-safe.
     *
     * @return the current time in seconds, with nanosecond resolution
     */
    double time();

    // ---- callbacks ---------------------------------------------------------------------

    /**
     * Schedules {@code callback} to run on the next iteration, after the callbacks already
     * scheduled; asyncio's {@code call_soon()}. It runs in a copy of the current context.
     *
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalStateException if the loop is closed, or if called from another
     *         thread while the loop runs (use {@link #callSoonThreadsafe})
     */
    Handle callSoon(Runnable callback);

    /**
     * Schedules {@code callback} to run in {@code context}.
     *
     * @param callback the callback; not {@code null}
     * @param context the context to run it in; {@code null} means a copy of the current one
     * @return a handle that can cancel it
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    Handle callSoon(Runnable callback, Context context);

    /**
     * Schedules {@code callback} from any thread, waking the loop; asyncio's
     * {@code call_soon_threadsafe()}. Callbacks posted by one thread run in the order it
     * posted them. Thread-safe; never blocks.
     *
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoonThreadsafe(Runnable callback);

    /**
     * Schedules {@code callback} from any thread, to run in {@code context}.
     *
     * @param callback the callback; not {@code null}
     * @param context the context to run it in; {@code null} means a copy of the current one
     * @return a handle that can cancel it
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoonThreadsafe(Runnable callback, Context context);

    /**
     * Schedules {@code callback} to run after {@code delay} seconds; asyncio's
     * {@code call_later()}. The timer has the loop clock's resolution; the wait itself is
     * rounded up to the selector's millisecond.
     *
     * @param delay seconds, at least 0
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delay} is negative or NaN
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callLater(double delay, Runnable callback);

    /**
     * Schedules {@code callback} to run after {@code delay}.
     *
     * @param delay the delay, not negative
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /**
     * Schedules {@code callback} to run after {@code delay} seconds in {@code context}.
     *
     * @param delay seconds, at least 0
     * @param callback the callback; not {@code null}
     * @param context the context; {@code null} means a copy of the current one
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delay} is negative or NaN
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callLater(double delay, Runnable callback, Context context);

    /**
     * Schedules {@code callback} to run at loop time {@code when}; asyncio's
     * {@code call_at()}. A time in the past runs on the next iteration.
     *
     * @param when a time on the loop's clock ({@link #time()}), in seconds; not NaN
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callAt(double when, Runnable callback);

    /**
     * Schedules {@code callback} to run at loop time {@code when} in {@code context}.
     *
     * @param when a time on the loop's clock, in seconds; not NaN
     * @param callback the callback; not {@code null}
     * @param context the context; {@code null} means a copy of the current one
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callAt(double when, Runnable callback, Context context);

    // ---- futures and tasks -------------------------------------------------------------

    /**
     * Creates a pending future bound to this loop; asyncio's {@code create_future()}.
     *
     * @param <T> the result type
     * @return a new future
     */
    <T> Future<T> createFuture();

    /**
     * Wraps {@code coro} in a task and schedules its first step; asyncio's
     * {@code create_task()}. With the eager task factory, the first step runs before this
     * returns.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return the task
     * @throws IllegalStateException if the loop is closed, or called from another thread
     *         while the loop runs
     */
    <T> Task<T> createTask(Coroutine<T> coro);

    /**
     * Wraps a coroutine that returns nothing in a task.
     *
     * @param coro the coroutine; not {@code null}
     * @return the task
     * @throws IllegalStateException as {@link #createTask(Coroutine)}
     */
    Task<Void> createTask(VoidCoroutine coro);

    /**
     * Wraps {@code coro} in a task with a name and a context.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null} for {@code Task-N}
     * @param context the context it runs in, or {@code null} for a copy of the current one
     * @return the task
     * @throws IllegalStateException as {@link #createTask(Coroutine)}
     */
    <T> Task<T> createTask(Coroutine<T> coro, String name, Context context);

    /**
     * Installs the factory {@link #createTask} uses; asyncio's {@code set_task_factory()}.
     *
     * @param factory the factory, or {@code null} for {@link TaskFactory#DEFAULT}; use
     *        {@link TaskFactory#EAGER} for Python 3.12's eager tasks
     */
    void setTaskFactory(TaskFactory factory);

    /**
     * Returns the task factory; asyncio's {@code get_task_factory()}.
     *
     * @return the factory in use
     */
    TaskFactory getTaskFactory();

    // ---- executors ---------------------------------------------------------------------

    /**
     * Runs {@code fn} on {@code executor} and returns a future for its result; asyncio's
     * {@code run_in_executor()}. The loop keeps running meanwhile. Cancelling the future
     * stops {@code fn} from starting if it has not started yet; a running call is not
     * interrupted.
     *
     * @param <T> the result type
     * @param executor where to run it, or {@code null} for the default executor
     * @param fn the blocking call; not {@code null}
     * @return a future of this loop completed with {@code fn}'s result or exception
     * @throws IllegalStateException if the loop is closed
     */
    <T> Future<T> runInExecutor(Executor executor, Callable<T> fn);

    /**
     * Replaces the default executor used by {@link #runInExecutor} with a {@code null}
     * executor and by {@link Asyncio#toThread}; asyncio's {@code set_default_executor()}.
     * The previous one is not shut down.
     *
     * @param executor the new default; not {@code null}
     */
    void setDefaultExecutor(ExecutorService executor);

    /**
     * Shuts the default executor down and waits, without blocking the loop, until its
     * running jobs finish or {@code timeout} seconds pass; asyncio's
     * {@code shutdown_default_executor(timeout)} (3.12). Suspends the calling task.
     *
     * @param timeout seconds to wait; {@code Double.POSITIVE_INFINITY} waits as long as it takes
     * @throws IllegalArgumentException if {@code timeout} is negative or NaN
     * @throws IllegalStateException if called outside a task of this loop
     */
    void shutdownDefaultExecutor(double timeout);

    /**
     * Shuts the default executor down and waits for its running jobs, however long they
     * take; asyncio's {@code shutdown_default_executor()}.
     *
     * @throws IllegalStateException if called outside a task of this loop
     */
    void shutdownDefaultExecutor();

    // ---- signals -----------------------------------------------------------------------

    /**
     * Runs {@code callback} on this loop's thread each time the process receives
     * {@code sig}; asyncio's {@code add_signal_handler()}. The callback runs in a copy of the
     * current context, as a loop callback (its exceptions go to the exception handler).
     * Replaces a handler this loop had for {@code sig}. The handler is removed when the loop
     * closes. Signals are process-wide: only one loop at a time may handle a given signal.
     *
     * @param sig one of {@link Signal#SIGINT}, {@link Signal#SIGTERM}, {@link Signal#SIGHUP},
     *        {@link Signal#SIGUSR1}, {@link Signal#SIGUSR2}, {@link Signal#SIGWINCH},
     *        {@link Signal#SIGCHLD}, {@link Signal#SIGALRM}
     * @param callback the handler; not {@code null}
     * @throws IllegalArgumentException if the JVM or the OS does not let {@code sig} be caught
     * @throws IllegalStateException if the loop is closed, another loop handles {@code sig},
     *         or called from another thread while the loop runs
     */
    void addSignalHandler(Signal sig, Runnable callback);

    /**
     * Removes this loop's handler for {@code sig} and restores the handler that was in place
     * before; asyncio's {@code remove_signal_handler()}.
     *
     * @param sig the signal
     * @return {@code true} if a handler was removed, {@code false} if there was none
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    boolean removeSignalHandler(Signal sig);

    // ---- debug and errors --------------------------------------------------------------

    /**
     * Turns debug mode on or off; asyncio's {@code set_debug()}. In debug mode the loop
     * records where tasks, futures and callbacks are created, logs callbacks and task
     * steps slower than {@link #getSlowCallbackDuration()}, and adds the creation site to
     * "never retrieved" and "destroyed but pending" reports.
     *
     * @param enabled the new mode
     */
    void setDebug(boolean enabled);

    /**
     * Tells whether debug mode is on. Thread-safe.
     *
     * @return the mode
     */
    boolean getDebug();

    /**
     * Returns the duration above which debug mode logs a callback or task step.
     *
     * @return seconds; 0.1 by default, as asyncio's {@code slow_callback_duration}
     */
    double getSlowCallbackDuration();

    /**
     * Sets the duration above which debug mode logs a callback or task step.
     *
     * @param seconds at least 0
     * @throws IllegalArgumentException if {@code seconds} is negative or NaN
     */
    void setSlowCallbackDuration(double seconds);

    /**
     * Installs the handler for errors nobody can catch; asyncio's
     * {@code set_exception_handler()}.
     *
     * @param handler the handler, or {@code null} for {@link #defaultExceptionHandler}
     */
    void setExceptionHandler(ExceptionHandler handler);

    /**
     * Returns the installed exception handler; asyncio's {@code get_exception_handler()}.
     *
     * @return the handler, or {@code null} when the default is used
     */
    ExceptionHandler getExceptionHandler();

    /**
     * Passes {@code context} to the installed handler, or to
     * {@link #defaultExceptionHandler}; asyncio's {@code call_exception_handler()}.
     * Never throws: a failing handler is logged.
     *
     * @param context what happened; not {@code null}
     */
    void callExceptionHandler(ExceptionContext context);

    /**
     * Logs {@code context} through {@link System.Logger} (logger {@code org.jasyncio}, level
     * ERROR), with the exception's stack trace; asyncio's
     * {@code default_exception_handler()}.
     *
     * @param context what happened; not {@code null}
     */
    void defaultExceptionHandler(ExceptionContext context);
}
