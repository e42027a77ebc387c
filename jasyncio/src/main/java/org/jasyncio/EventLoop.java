package org.jasyncio;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadPipeConnection;
import org.jasyncio.transports.WritePipeConnection;

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
     * cancels them first. Child processes started by this loop that still run are killed
     * (SIGKILL) and reaped before this returns (waiting at most five seconds), with a warning
     * in debug mode.
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
     * @param delay seconds; zero or negative means now, as in asyncio
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callLater(double delay, Runnable callback);

    /**
     * Schedules {@code callback} to run after {@code delay}.
     *
     * @param delay the delay; zero or negative means now
     * @param callback the callback; not {@code null}
     * @return a handle that can cancel it
     * @throws IllegalStateException as {@link #callSoon(Runnable)}
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /**
     * Schedules {@code callback} to run after {@code delay} seconds in {@code context}.
     *
     * @param delay seconds; zero or negative means now, as in asyncio
     * @param callback the callback; not {@code null}
     * @param context the context; {@code null} means a copy of the current one
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delay} is NaN
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
     * Creates a task whose first step runs at once ({@code eagerStart}, when the loop runs)
     * or on a later iteration, bypassing the task factory's choice; asyncio 3.14's
     * {@code loop.create_task(coro, eager_start=...)}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null}
     * @param context the context to run in, or {@code null} for a copy of the current one
     * @param eagerStart run the first step before this call returns
     * @return the task
     * @throws IllegalStateException if the loop is closed, or if called from another thread
     *     while the loop runs
     */
    <T> Task<T> createTask(Coroutine<T> coro, String name, Context context, boolean eagerStart);

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
     * @throws IllegalArgumentException if {@code timeout} is NaN
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
     * @throws IllegalStateException if the JVM or the OS does not let {@code sig} be caught
     *         (asyncio's {@code RuntimeError}), the loop is closed, another loop handles
     *         {@code sig}, or called from another thread while the loop runs
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

    // =====================================================================================
    // Subprocesses: child processes with a SubprocessProtocol.
    // Implemented by BaseEventLoop on org.jasyncio.internal.subprocess.
    // =====================================================================================

    /**
     * Runs {@code command} with its three streams as pipes and connects a new protocol to it;
     * asyncio's {@code subprocess_exec(protocol_factory, program, *args)}. See
     * {@link #subprocessExec(java.util.function.Supplier, java.util.List, org.jasyncio.subprocess.SubprocessOptions)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param command the program and its arguments; not empty
     * @return the transport and the protocol
     * @throws java.io.IOException if the program cannot be started
     * @throws IllegalArgumentException if {@code command} is empty, or an element is empty
     *         (the program) or contains NUL
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessExec(java.util.function.Supplier<? extends P> protocolFactory, java.util.List<String> command)
            throws java.io.IOException;

    /**
     * Runs {@code command} (the program, looked up in {@code PATH} when it has no slash, then
     * its arguments) as a child process and connects a new protocol to it; asyncio's
     * {@code subprocess_exec(protocol_factory, program, *args, stdin=..., stdout=...,
     * stderr=..., cwd=..., env=...)}. The protocol's {@code connectionMade} has run when this
     * returns; the child's pipes then report through
     * {@link org.jasyncio.transports.SubprocessProtocol}, and the transport's
     * {@code getPipeTransport(fd)} writes to stdin. The start itself (the JDK's fork and exec)
     * runs on a jasyncio thread: the loop keeps running meanwhile. Closing the loop kills the
     * children that still run.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running (one that was started is killed).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread, before the
     *        child starts
     * @param command the program and its arguments; not empty
     * @param options where stdin, stdout and stderr go (usually
     *        {@link org.jasyncio.subprocess.SubprocessOptions#pipes()}), working directory,
     *        environment; the reader limit is not used here
     * @return the transport and the protocol
     * @throws java.io.IOException if the program cannot be started (for example "Cannot run
     *         program "nope": error=2, No such file or directory"), or the working directory
     *         does not exist
     * @throws IllegalArgumentException if {@code command} is empty, or an element is empty
     *         (the program) or contains NUL, or the options ask for both a new session
     *         and a process group, or a group to join that this session does not have
     * @throws UnsupportedOperationException if the options ask for a new session or process
     *         group and the program that makes it ({@code setsid}, Perl) is missing
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessExec(java.util.function.Supplier<? extends P> protocolFactory, java.util.List<String> command,
                    org.jasyncio.subprocess.SubprocessOptions options) throws java.io.IOException;

    /**
     * Runs {@code cmd} with the shell, its three streams as pipes; asyncio's
     * {@code subprocess_shell(protocol_factory, cmd)}. See
     * {@link #subprocessShell(java.util.function.Supplier, String, org.jasyncio.subprocess.SubprocessOptions)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param cmd the command line
     * @return the transport and the protocol
     * @throws java.io.IOException if the shell cannot be started
     * @throws IllegalArgumentException if {@code cmd} contains NUL
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessShell(java.util.function.Supplier<? extends P> protocolFactory, String cmd)
            throws java.io.IOException;

    /**
     * Runs {@code cmd} with the shell ({@code /bin/sh -c cmd}, as Python's {@code shell=True})
     * and connects a new protocol to it; asyncio's {@code subprocess_shell(protocol_factory,
     * cmd, stdin=..., ...)}. Otherwise as
     * {@link #subprocessExec(java.util.function.Supplier, java.util.List, org.jasyncio.subprocess.SubprocessOptions)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param cmd the command line
     * @param options redirections, working directory, environment
     * @return the transport and the protocol
     * @throws java.io.IOException if the shell cannot be started, or the working directory does
     *         not exist
     * @throws IllegalArgumentException if {@code cmd} contains NUL, or the options ask for both a
     *         new session and a process group, or a group to join that this session does not have
     * @throws UnsupportedOperationException if the options ask for a new session or process
     *         group and the program that makes it ({@code setsid}, Perl) is missing
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessShell(java.util.function.Supplier<? extends P> protocolFactory, String cmd,
                    org.jasyncio.subprocess.SubprocessOptions options) throws java.io.IOException;

    // =====================================================================================
    // Pipes: org.jasyncio.internal.net (selectable channels), org.jasyncio.internal.subprocess
    // (the pumps the children's pipes use, for every other pipe).
    // =====================================================================================

    /**
     * Connects a new protocol to the read end of a pipe given as a channel; asyncio's
     * {@code connect_read_pipe(protocol_factory, pipe)}. A selectable channel (a
     * {@link java.nio.channels.Pipe.SourceChannel}, a socket) is put in non-blocking mode and
     * watched by this loop's selector, as asyncio does (it must not be registered with another
     * selector); any other channel, a {@link java.nio.channels.FileChannel} opened on a FIFO or a
     * character device for example, is read by a pump thread. Closing the transport closes the
     * channel, and ends a read in progress at once for an interruptible channel (all of the
     * JDK's).

     * <p>asyncio's order: the protocol's {@code connectionMade} runs on the next iteration, then
     * reading starts, then this call returns. Bytes go to {@code dataReceived}; at the end of the
     * pipe (every writer closed it) {@code eofReceived} is called (what it returns is ignored:
     * a pipe has no other direction), then {@code connectionLost(null)}, and the pipe is closed.
     * A read error gives {@code connectionLost(exc)}. The transport's {@code pauseReading} /
     * {@code resumeReading} work as asyncio's: while paused, at most 256 KiB are read ahead, so
     * a fast writer blocks. {@code close()} stops reading and closes the pipe.
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <p>A selectable channel is watched by the loop's selector; any other pipe is read by a
     * jasyncio platform thread, so a blocking read never stops the loop.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the read end; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException if a selectable channel cannot be registered with the selector
     * @throws IllegalArgumentException if the channel is closed, or registered with another
     *         selector
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            ReadableByteChannel pipe) throws IOException;

    /**
     * Connects a new protocol to the read end of a pipe given as a stream, for example
     * {@link System#in}; asyncio's {@code connect_read_pipe(protocol_factory, sys.stdin)}.
     * A blocked read of a stream cannot be cut short: {@code close()} closes the stream after
     * the read in progress returns. To close at once, pass a channel, or
     * {@link FileDescriptor#in} for this process's stdin.

     * <p>asyncio's order: the protocol's {@code connectionMade} runs on the next iteration, then
     * reading starts, then this call returns. Bytes go to {@code dataReceived}; at the end of the
     * pipe (every writer closed it) {@code eofReceived} is called (what it returns is ignored:
     * a pipe has no other direction), then {@code connectionLost(null)}, and the pipe is closed.
     * A read error gives {@code connectionLost(exc)}. The transport's {@code pauseReading} /
     * {@code resumeReading} work as asyncio's: while paused, at most 256 KiB are read ahead, so
     * a fast writer blocks. {@code close()} stops reading and closes the pipe.
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <p>A selectable channel is watched by the loop's selector; any other pipe is read by a
     * jasyncio platform thread, so a blocking read never stops the loop.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the read end; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException not thrown by this form; declared as by the others
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            InputStream pipe) throws IOException;

    /**
     * Connects a new protocol to a descriptor of this process, {@link FileDescriptor#in} for
     * its stdin; asyncio's {@code connect_read_pipe(protocol_factory, sys.stdin)}. The
     * descriptor is read through a channel, so {@code close()} ends a read in progress at once
     * and closes the descriptor (as asyncio closes {@code sys.stdin}).

     * <p>asyncio's order: the protocol's {@code connectionMade} runs on the next iteration, then
     * reading starts, then this call returns. Bytes go to {@code dataReceived}; at the end of the
     * pipe (every writer closed it) {@code eofReceived} is called (what it returns is ignored:
     * a pipe has no other direction), then {@code connectionLost(null)}, and the pipe is closed.
     * A read error gives {@code connectionLost(exc)}. The transport's {@code pauseReading} /
     * {@code resumeReading} work as asyncio's: while paused, at most 256 KiB are read ahead, so
     * a fast writer blocks. {@code close()} stops reading and closes the pipe.
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <p>A selectable channel is watched by the loop's selector; any other pipe is read by a
     * jasyncio platform thread, so a blocking read never stops the loop.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the descriptor; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException not thrown by this form; declared as by the others
     * @throws IllegalArgumentException if the descriptor is not valid
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory,
            FileDescriptor pipe) throws IOException;

    /**
     * Opens the FIFO (named pipe, made with {@code mkfifo}) at {@code fifo} for reading and
     * connects a new protocol to it; asyncio's {@code connect_read_pipe(protocol_factory,
     * open(fifo, "rb", buffering=0))}. Opening a FIFO waits until a writer opens it too: the
     * calling task waits meanwhile, the loop runs on.

     * <p>asyncio's order: the protocol's {@code connectionMade} runs on the next iteration, then
     * reading starts, then this call returns. Bytes go to {@code dataReceived}; at the end of the
     * pipe (every writer closed it) {@code eofReceived} is called (what it returns is ignored:
     * a pipe has no other direction), then {@code connectionLost(null)}, and the pipe is closed.
     * A read error gives {@code connectionLost(exc)}. The transport's {@code pauseReading} /
     * {@code resumeReading} work as asyncio's: while paused, at most 256 KiB are read ahead, so
     * a fast writer blocks. {@code close()} stops reading and closes the pipe.
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <p>A selectable channel is watched by the loop's selector; any other pipe is read by a
     * jasyncio platform thread, so a blocking read never stops the loop.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task, once the FIFO
     *        is open
     * @param fifo the FIFO's path
     * @return the transport and the protocol
     * @throws java.io.IOException if the path cannot be opened
     *         ({@link java.nio.file.NoSuchFileException} if there is nothing there)
     * @throws IllegalArgumentException if the path is a regular file or a directory (asyncio's
     *         "Pipe transport is for pipes/sockets/character devices only")
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled, also while the open waits for a
     *         writer (the open is then undone)
     * @since 0.1
     */
    <P extends Protocol> ReadPipeConnection<P> connectReadPipe(Supplier<? extends P> protocolFactory, Path fifo)
            throws IOException;

    /**
     * Connects a new protocol to the write end of a pipe given as a channel; asyncio's
     * {@code connect_write_pipe(protocol_factory, pipe)}. A selectable channel (a
     * {@link java.nio.channels.Pipe.SinkChannel}, a socket) is put in non-blocking mode and
     * watched by this loop's selector (it must not be registered with another selector); any
     * other channel is written by a pump thread. {@code abort()} closes the channel at once,
     * which also ends a write blocked on a reader that does not read.

     * <p>{@code connectionMade} runs on the next iteration, then this call returns.
     * {@code write}, {@code writelines} never suspend: what the pipe does not take at once is
     * queued, and written when the selector finds a selectable channel writable, or by a jasyncio
     * platform thread for any other pipe; a reader that does not read never stops the loop. The
     * protocol's {@code pauseWriting} / {@code resumeWriting} follow the high and low water marks
     * ({@code setWriteBufferLimits}, 64 KiB / 16 KiB by default) as asyncio's.
     * {@code writeEof()} and {@code close()} write what is queued, close the pipe, then call
     * {@code connectionLost(null)}; {@code abort()} drops the queue and calls it at once. Writes
     * after {@code close()} or {@code abort()} are dropped, as asyncio drops them; after
     * {@code writeEof()} they throw {@link IllegalStateException}. When
     * the reading end is closed, the next write fails and the protocol gets
     * {@code connectionLost} with a {@link org.jasyncio.subprocess.BrokenPipeError} (asyncio's
     * EPIPE). asyncio also notices a closed reader with nothing written, by watching the write end
     * for readability: jasyncio does that for a socket, and notices it at the next write for
     * every other pipe ({@code Pipe.SinkChannel} cannot be selected for reading).
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the write end; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException if a selectable channel cannot be registered with the selector
     * @throws IllegalArgumentException if the channel is closed, or registered with another
     *         selector
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            WritableByteChannel pipe) throws IOException;

    /**
     * Connects a new protocol to the write end of a pipe given as a stream; asyncio's
     * {@code connect_write_pipe(protocol_factory, pipe)}. A {@link java.io.PrintStream} such as
     * {@link System#out} hides write errors (it never throws), so a closed reader goes unnoticed:
     * pass {@link FileDescriptor#out} to write this process's stdout.

     * <p>{@code connectionMade} runs on the next iteration, then this call returns.
     * {@code write}, {@code writelines} never suspend: what the pipe does not take at once is
     * queued, and written when the selector finds a selectable channel writable, or by a jasyncio
     * platform thread for any other pipe; a reader that does not read never stops the loop. The
     * protocol's {@code pauseWriting} / {@code resumeWriting} follow the high and low water marks
     * ({@code setWriteBufferLimits}, 64 KiB / 16 KiB by default) as asyncio's.
     * {@code writeEof()} and {@code close()} write what is queued, close the pipe, then call
     * {@code connectionLost(null)}; {@code abort()} drops the queue and calls it at once. Writes
     * after {@code close()} or {@code abort()} are dropped, as asyncio drops them; after
     * {@code writeEof()} they throw {@link IllegalStateException}. When
     * the reading end is closed, the next write fails and the protocol gets
     * {@code connectionLost} with a {@link org.jasyncio.subprocess.BrokenPipeError} (asyncio's
     * EPIPE). asyncio also notices a closed reader with nothing written, by watching the write end
     * for readability: jasyncio does that for a socket, and notices it at the next write for
     * every other pipe ({@code Pipe.SinkChannel} cannot be selected for reading).
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the write end; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException not thrown by this form; declared as by the others
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            OutputStream pipe) throws IOException;

    /**
     * Connects a new protocol to a descriptor of this process, {@link FileDescriptor#out} for
     * its stdout; asyncio's {@code connect_write_pipe(protocol_factory, sys.stdout)}. Closing the
     * transport closes the descriptor, as asyncio closes {@code sys.stdout}.

     * <p>{@code connectionMade} runs on the next iteration, then this call returns.
     * {@code write}, {@code writelines} never suspend: what the pipe does not take at once is
     * queued, and written when the selector finds a selectable channel writable, or by a jasyncio
     * platform thread for any other pipe; a reader that does not read never stops the loop. The
     * protocol's {@code pauseWriting} / {@code resumeWriting} follow the high and low water marks
     * ({@code setWriteBufferLimits}, 64 KiB / 16 KiB by default) as asyncio's.
     * {@code writeEof()} and {@code close()} write what is queued, close the pipe, then call
     * {@code connectionLost(null)}; {@code abort()} drops the queue and calls it at once. Writes
     * after {@code close()} or {@code abort()} are dropped, as asyncio drops them; after
     * {@code writeEof()} they throw {@link IllegalStateException}. When
     * the reading end is closed, the next write fails and the protocol gets
     * {@code connectionLost} with a {@link org.jasyncio.subprocess.BrokenPipeError} (asyncio's
     * EPIPE). asyncio also notices a closed reader with nothing written, by watching the write end
     * for readability: jasyncio does that for a socket, and notices it at the next write for
     * every other pipe ({@code Pipe.SinkChannel} cannot be selected for reading).
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task
     * @param pipe the descriptor; the transport owns it from now on
     * @return the transport and the protocol
     * @throws java.io.IOException not thrown by this form; declared as by the others
     * @throws IllegalArgumentException if the descriptor is not valid
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            FileDescriptor pipe) throws IOException;

    /**
     * Opens the FIFO at {@code fifo} for writing and connects a new protocol to it; asyncio's
     * {@code connect_write_pipe(protocol_factory, open(fifo, "wb", buffering=0))}. Opening a
     * FIFO waits until a reader opens it too: the calling task waits meanwhile, the loop runs
     * on.

     * <p>{@code connectionMade} runs on the next iteration, then this call returns.
     * {@code write}, {@code writelines} never suspend: what the pipe does not take at once is
     * queued, and written when the selector finds a selectable channel writable, or by a jasyncio
     * platform thread for any other pipe; a reader that does not read never stops the loop. The
     * protocol's {@code pauseWriting} / {@code resumeWriting} follow the high and low water marks
     * ({@code setWriteBufferLimits}, 64 KiB / 16 KiB by default) as asyncio's.
     * {@code writeEof()} and {@code close()} write what is queued, close the pipe, then call
     * {@code connectionLost(null)}; {@code abort()} drops the queue and calls it at once. Writes
     * after {@code close()} or {@code abort()} are dropped, as asyncio drops them; after
     * {@code writeEof()} they throw {@link IllegalStateException}. When
     * the reading end is closed, the next write fails and the protocol gets
     * {@code connectionLost} with a {@link org.jasyncio.subprocess.BrokenPipeError} (asyncio's
     * EPIPE). asyncio also notices a closed reader with nothing written, by watching the write end
     * for readability: jasyncio does that for a socket, and notices it at the next write for
     * every other pipe ({@code Pipe.SinkChannel} cannot be selected for reading).
     * {@code getExtraInfo("pipe")} returns {@code pipe}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the transport it made.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, in the calling task, once the FIFO
     *        is open
     * @param fifo the FIFO's path
     * @return the transport and the protocol
     * @throws java.io.IOException if the path cannot be opened
     *         ({@link java.nio.file.NoSuchFileException} if there is nothing there)
     * @throws IllegalArgumentException if the path is a regular file or a directory
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled, also while the open waits for a
     *         reader (the open is then undone)
     * @since 0.1
     */
    <P extends BaseProtocol> WritePipeConnection<P> connectWritePipe(Supplier<? extends P> protocolFactory,
            Path fifo) throws IOException;

    // =====================================================================================
    // Network: channel watchers, socket operations, names, transports, servers.
    // Implemented by SelectorEventLoop on org.jasyncio.internal.net.
    // =====================================================================================

    // ---- network: watching channels ----------------------------------------------------

    /**
     * Calls {@code callback} on the loop thread every time {@code channel} is readable (or,
     * for a {@link java.nio.channels.ServerSocketChannel}, has a connection to accept),
     * until {@link #removeReader}; asyncio's {@code add_reader()}. Replaces a reader already
     * set on the channel. The callback runs in a copy of the current context, queued like a
     * {@code callSoon} callback.
     *
     * @param channel a channel in non-blocking mode; not {@code null}
     * @param callback the callback; not {@code null}
     * @throws IllegalArgumentException if the channel is in blocking mode, closed, or cannot
     *         read
     * @throws IllegalStateException if the loop is closed, if a transport owns the channel,
     *         or if called from another thread while the loop runs
     */
    void addReader(java.nio.channels.SelectableChannel channel, Runnable callback);

    /**
     * Stops watching {@code channel} for reading; asyncio's {@code remove_reader()}. A call
     * already queued is dropped. The channel stays registered with the loop's selector until
     * the next iteration; only then can it be put back into blocking mode.
     *
     * @param channel the channel
     * @return {@code true} if a reader was set
     * @throws IllegalStateException if a transport owns the channel, or if called from another
     *         thread while the loop runs
     */
    boolean removeReader(java.nio.channels.SelectableChannel channel);

    /**
     * Calls {@code callback} on the loop thread every time {@code channel} is writable, until
     * {@link #removeWriter}; asyncio's {@code add_writer()}. For a
     * {@link java.nio.channels.SocketChannel} whose connection is pending, the callback is
     * called when the connection can be finished ({@code finishConnect()}).
     *
     * @param channel a channel in non-blocking mode; not {@code null}
     * @param callback the callback; not {@code null}
     * @throws IllegalArgumentException if the channel is in blocking mode, closed, or cannot
     *         write
     * @throws IllegalStateException as {@link #addReader}
     */
    void addWriter(java.nio.channels.SelectableChannel channel, Runnable callback);

    /**
     * Stops watching {@code channel} for writing; asyncio's {@code remove_writer()}.
     *
     * @param channel the channel
     * @return {@code true} if a writer was set
     * @throws IllegalStateException as {@link #removeReader}
     */
    boolean removeWriter(java.nio.channels.SelectableChannel channel);

    // ---- network: socket operations (suspend the calling task) ------------------------

    /**
     * Connects {@code sock} to {@code address}, suspending the calling task until the
     * connection is made; asyncio's {@code sock_connect()}. An unresolved
     * {@link java.net.InetSocketAddress} is resolved first, through {@link #getaddrinfo}.
     *
     * <h4>Cancellation</h4>
     * If cancelled, the connection may still be pending; close the socket.
     *
     * @param sock a socket in non-blocking mode, not connected
     * @param address where to connect
     * @throws java.io.IOException if the connection fails (for example
     *         {@link java.net.ConnectException} "Connection refused")
     * @throws IllegalArgumentException if the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    void sockConnect(java.nio.channels.SocketChannel sock, java.net.SocketAddress address) throws java.io.IOException;

    /**
     * Accepts a connection, suspending the calling task until one comes; asyncio's
     * {@code sock_accept()}. The new socket is in non-blocking mode; its address is its
     * {@code getRemoteAddress()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: no connection is accepted by a cancelled call.
     *
     * @param sock a listening socket in non-blocking mode
     * @return the accepted socket
     * @throws java.io.IOException if accepting fails
     * @throws IllegalArgumentException if the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    java.nio.channels.SocketChannel sockAccept(java.nio.channels.ServerSocketChannel sock) throws java.io.IOException;

    /**
     * Receives up to {@code nbytes}, suspending the calling task until at least one byte or
     * end of stream arrives; asyncio's {@code sock_recv()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call received nothing.
     *
     * @param sock a connected socket in non-blocking mode
     * @param nbytes the most to receive, at least 1
     * @return the bytes; empty at end of stream
     * @throws java.io.IOException if reading fails
     * @throws IllegalArgumentException if {@code nbytes < 1} or the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    byte[] sockRecv(java.nio.channels.SocketChannel sock, int nbytes) throws java.io.IOException;

    /**
     * Receives into {@code buffer}, from its position, suspending the calling task until at
     * least one byte or end of stream arrives; asyncio's {@code sock_recv_into()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call received nothing.
     *
     * @param sock a connected socket in non-blocking mode
     * @param buffer where to put the bytes, with room for at least one
     * @return how many bytes were received; 0 at end of stream
     * @throws java.io.IOException if reading fails
     * @throws IllegalArgumentException if the buffer is full or the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    int sockRecvInto(java.nio.channels.SocketChannel sock, java.nio.ByteBuffer buffer) throws java.io.IOException;

    /**
     * Sends all of {@code data}, suspending the calling task while the socket cannot take
     * more; asyncio's {@code sock_sendall()}.
     *
     * <h4>Cancellation</h4>
     * If cancelled, part of the data may have been sent, and there is no way to know how
     * much: close the socket.
     *
     * @param sock a connected socket in non-blocking mode
     * @param data the bytes
     * @throws java.io.IOException if writing fails
     * @throws IllegalArgumentException if the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    void sockSendall(java.nio.channels.SocketChannel sock, byte[] data) throws java.io.IOException;

    /**
     * Sends the remaining bytes of {@code data}, advancing its position; as
     * {@link #sockSendall(java.nio.channels.SocketChannel, byte[])}, whose cancellation
     * rules apply (the position tells how much was sent).
     *
     * @param sock a connected socket in non-blocking mode
     * @param data the bytes between position and limit
     * @throws java.io.IOException if writing fails
     * @throws IllegalArgumentException if the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    void sockSendall(java.nio.channels.SocketChannel sock, java.nio.ByteBuffer data) throws java.io.IOException;

    /**
     * Receives one datagram of at most {@code bufsize} bytes (the rest of a longer one is
     * discarded), suspending the calling task until one comes; asyncio's
     * {@code sock_recvfrom()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call received nothing.
     *
     * @param sock a datagram socket in non-blocking mode
     * @param bufsize the largest payload to keep, at least 1
     * @return the datagram and its sender
     * @throws java.io.IOException if receiving fails
     * @throws IllegalArgumentException if {@code bufsize < 1} or the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Datagram sockRecvfrom(java.nio.channels.DatagramChannel sock, int bufsize)
            throws java.io.IOException;

    /**
     * Sends one datagram to {@code address}, suspending the calling task while the socket's
     * buffer is full; asyncio's {@code sock_sendto()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call sent nothing.
     *
     * @param sock a datagram socket in non-blocking mode
     * @param data the payload
     * @param address the destination; {@code null} on a connected socket
     * @return the number of bytes sent
     * @throws java.io.IOException if sending fails
     * @throws IllegalArgumentException if the socket is in blocking mode
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    int sockSendto(java.nio.channels.DatagramChannel sock, byte[] data, java.net.SocketAddress address)
            throws java.io.IOException;

    /**
     * Sends the whole of {@code file} on {@code sock}, suspending the calling task while the
     * socket cannot take more; asyncio's {@code sock_sendfile(sock, file)}. As
     * {@link #sockSendfile(java.nio.channels.SocketChannel, java.nio.channels.FileChannel, long, Long, boolean)}
     * with offset 0, no count and the fallback allowed.
     *
     * <h4>Cancellation</h4>
     * As the full form: part of the file may have been sent; the file's position tells how much.
     *
     * @param sock a connected stream socket in non-blocking mode, not used by a transport
     * @param file the file, open for reading
     * @return the bytes sent
     * @throws java.io.IOException if reading the file or writing the socket fails
     * @throws IllegalArgumentException if the socket is in blocking mode, or the file channel
     *         is closed or not readable
     * @throws IllegalStateException if called outside a task of this loop, or the socket is
     *         used by a transport
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    long sockSendfile(java.nio.channels.SocketChannel sock, java.nio.channels.FileChannel file)
            throws java.io.IOException;

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} on {@code sock},
     * suspending the calling task while the socket cannot take more; asyncio's
     * {@code sock_sendfile(sock, file, offset, count, fallback=...)}.
     *
     * <p>The zero-copy path is {@link java.nio.channels.FileChannel#transferTo transferTo}
     * (the {@code sendfile(2)} system call on Linux): the kernel copies from the page cache to
     * the socket, and each time the socket's buffer is full the task waits until it is writable
     * (the loop keeps running). The file's pages are read inside that system call, on the loop
     * thread, as with asyncio's {@code os.sendfile}. When that path cannot be used (the first
     * transfer fails, or the file has size 0 and a count is given, as a pipe or a device would)
     * the file is read in chunks of 256 KiB in the default executor and sent with
     * {@link #sockSendall(java.nio.channels.SocketChannel, java.nio.ByteBuffer) sockSendall},
     * unless {@code fallback} is {@code false}.
     *
     * <p>When the call returns or fails, the file's position is {@code offset} plus the bytes
     * sent (left alone when nothing was sent), as in asyncio.
     *
     * <h4>Cancellation</h4>
     * The transfer stops at once; the bytes sent so far are on their way to the peer, and the
     * file's position is {@code offset} plus their count. The stream is cut at an arbitrary
     * byte: close the socket unless the peer can tell.
     *
     * @param sock a connected stream socket in non-blocking mode, not used by a transport
     * @param file the file, open for reading; its size bounds the transfer
     * @param offset where to start in the file, in bytes, at least 0
     * @param count the most bytes to send, at least 1, or {@code null} to send up to the end
     *        of the file
     * @param fallback whether to read and send when the zero-copy path cannot be used
     * @return the bytes sent (fewer than {@code count} when the file ends first)
     * @throws java.io.IOException if reading the file or writing the socket fails
     * @throws SendfileNotAvailableError if the zero-copy path cannot be used and
     *         {@code fallback} is {@code false}
     * @throws IllegalArgumentException if {@code offset < 0}, {@code count <= 0}, the socket
     *         is in blocking mode, or the file channel is closed or not readable
     * @throws IllegalStateException if called outside a task of this loop, or the socket is
     *         used by a transport
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    long sockSendfile(java.nio.channels.SocketChannel sock, java.nio.channels.FileChannel file, long offset,
            Long count, boolean fallback) throws java.io.IOException;

    // ---- network: names ----------------------------------------------------------------

    /**
     * Resolves {@code host} in the default executor, so that the loop keeps running while
     * DNS answers; asyncio's {@code getaddrinfo(host, port)}. An IP literal is returned
     * without a look-up.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe; the look-up may still finish in the executor.
     *
     * @param host a host name or IP literal; {@code null} for the loopback addresses
     * @param port the port for the returned addresses, 0 to 65535
     * @return the addresses, in the order the resolver gave them; never empty
     * @throws java.net.UnknownHostException if the name does not resolve
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    java.util.List<java.net.InetSocketAddress> getaddrinfo(String host, int port) throws java.net.UnknownHostException;

    /**
     * Finds the host name of an address by reverse look-up in the default executor;
     * asyncio's {@code getnameinfo()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe; the look-up may still finish in the executor.
     *
     * @param address a resolved address
     * @return the host name (the numeric address if the look-up finds none) and the port
     * @throws IllegalArgumentException if the address is unresolved
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.NameInfo getnameinfo(java.net.InetSocketAddress address);

    // ---- network: connections ----------------------------------------------------------

    /**
     * Opens a TCP connection to {@code host}:{@code port} and connects a new protocol to
     * it; asyncio's {@code create_connection(protocol_factory, host, port)}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param host a host name or IP literal; names are resolved with {@link #getaddrinfo}
     * @param port 0 to 65535
     * @return the transport and the protocol
     * @throws java.io.IOException see
     *         {@link #createConnection(java.util.function.Supplier, String, int, org.jasyncio.transports.ConnectionOptions)}
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createConnection(
            java.util.function.Supplier<? extends P> protocolFactory, String host, int port) throws java.io.IOException;

    /**
     * Opens a TCP connection, optionally with TLS, and connects a new protocol to it;
     * asyncio's {@code create_connection()}. Each address {@code host} resolves to is tried
     * in turn until one connects; with {@link org.jasyncio.transports.ConnectionOptions#withHappyEyeballsDelay
     * happy eyeballs}, the attempts overlap, staggered by the delay, the first to connect wins
     * and the others are closed. The protocol's {@code connectionMade} has run when this
     * returns; with TLS, the handshake is done too.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param host a host name or IP literal
     * @param port 0 to 65535
     * @param options TLS, local address, happy eyeballs; not {@code null}
     * @return the transport and the protocol
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws java.io.IOException if no address connects ({@link java.net.ConnectException}
     *         "Connection refused"; when several addresses fail differently, one exception
     *         whose message lists them all and which carries each as suppressed), or the TLS
     *         handshake fails
     *         ({@link javax.net.ssl.SSLHandshakeException}, for example when the certificate
     *         cannot be verified; {@link java.net.SocketTimeoutException} when the handshake
     *         timeout passes)
     * @throws IllegalArgumentException if the port is out of range, or TLS is asked for with an
     *         empty or {@code null} host and no server host name
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createConnection(
            java.util.function.Supplier<? extends P> protocolFactory, String host, int port,
            org.jasyncio.transports.ConnectionOptions options) throws java.io.IOException;

    /**
     * Opens a connection to {@code address}, a TCP address (resolved or not) or a
     * {@link java.net.UnixDomainSocketAddress}; otherwise as
     * {@link #createConnection(java.util.function.Supplier, String, int, org.jasyncio.transports.ConnectionOptions)}.
     * With TLS to a Unix socket, set the server host name in the TLS options.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param address where to connect
     * @param options TLS and local address; not {@code null}
     * @return the transport and the protocol
     * @throws java.io.IOException as the host/port form
     * @throws IllegalArgumentException if the address type is not supported
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createConnection(
            java.util.function.Supplier<? extends P> protocolFactory, java.net.SocketAddress address,
            org.jasyncio.transports.ConnectionOptions options) throws java.io.IOException;

    /**
     * Opens a Unix domain stream connection to the socket file {@code path}; asyncio's
     * {@code create_unix_connection()}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param path the socket file
     * @return the transport and the protocol
     * @throws java.io.IOException if the connection fails (for example no such file, or
     *         nobody listening)
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createUnixConnection(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.file.Path path) throws java.io.IOException;

    /**
     * Opens a Unix domain stream connection with options (TLS needs a server host name).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param path the socket file
     * @param options TLS; not {@code null}
     * @return the transport and the protocol
     * @throws java.io.IOException if the connection or the TLS handshake fails
     * @throws IllegalArgumentException if TLS is asked for without a server host name, or the
     *         options ask for a local address or happy eyeballs (TCP settings)
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createUnixConnection(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.file.Path path,
            org.jasyncio.transports.ConnectionOptions options) throws java.io.IOException;

    /**
     * Upgrades an open connection to TLS and returns the new transport; asyncio's
     * {@code start_tls()}. The protocol keeps receiving, now through the new transport; its
     * {@code connectionMade} is not called again. Do not use the old transport afterwards.
     *
     * <h4>Cancellation</h4>
     * If cancelled, the connection is closed.
     *
     * @param transport a transport made by this loop for a TCP or Unix connection
     * @param protocol the protocol to drive from now on (usually the transport's)
     * @param tls the TLS options
     * @param serverSide {@code true} to act as the TLS server
     * @return the TLS transport
     * @throws java.io.IOException if the handshake fails (the connection is then closed)
     * @throws IllegalArgumentException if the transport was not made by this loop for a
     *         stream socket, or a server-side upgrade is given a server host name
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Transport startTls(org.jasyncio.transports.Transport transport,
            org.jasyncio.transports.BaseProtocol protocol, org.jasyncio.transports.TlsOptions tls, boolean serverSide)
            throws java.io.IOException;

    // ---- network: sendfile -------------------------------------------------------------

    /**
     * Sends the whole of {@code file} through {@code transport}; asyncio's
     * {@code loop.sendfile(transport, file)}. As
     * {@link #sendfile(org.jasyncio.transports.WriteTransport, java.nio.channels.FileChannel, long, Long, boolean)}
     * with offset 0, no count and the fallback allowed.
     *
     * <h4>Cancellation</h4>
     * As the full form.
     *
     * @param transport a TCP, Unix or TLS transport of this loop
     * @param file the file, open for reading
     * @return the bytes sent
     * @throws java.io.IOException if reading the file or writing the connection fails
     * @throws IllegalArgumentException if the file channel is closed or not readable
     * @throws IllegalStateException if the transport is closing or cannot send files, or if
     *         called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    long sendfile(org.jasyncio.transports.WriteTransport transport, java.nio.channels.FileChannel file)
            throws java.io.IOException;

    /**
     * Opens the regular file {@code path}, sends the whole of it through {@code transport},
     * and closes it; {@code loop.sendfile(transport, open(path, "rb"))}.
     *
     * <h4>Cancellation</h4>
     * As the full form; the file is closed.
     *
     * @param transport a TCP, Unix or TLS transport of this loop
     * @param path the file
     * @return the bytes sent
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws java.io.IOException if opening or reading the file or writing the connection fails
     * @throws IllegalArgumentException if {@code path} is not a regular file (the message
     *         names it)
     * @throws IllegalStateException if the transport is closing or cannot send files, or if
     *         called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    long sendfile(org.jasyncio.transports.WriteTransport transport, java.nio.file.Path path) throws java.io.IOException;

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} through {@code transport},
     * and returns the count sent; asyncio's
     * {@code loop.sendfile(transport, file, offset, count, fallback=...)}.
     *
     * <p>On a TCP or Unix transport the zero-copy path is used
     * ({@link java.nio.channels.FileChannel#transferTo transferTo}, the {@code sendfile(2)}
     * system call on Linux, as for
     * {@link #sockSendfile(java.nio.channels.SocketChannel, java.nio.channels.FileChannel, long, Long, boolean) sockSendfile}):
     * the call first waits until the bytes already written to the transport are sent, pauses
     * reading, and while the file goes out the transport's {@code write()} throws
     * {@code IllegalStateException} ("unable to write; sendfile is in progress"); afterwards
     * reading resumes if it was on. A TLS transport cannot use it (the bytes are encrypted in
     * user space): the file is read in chunks of 64 KiB in the default executor and written to
     * the transport, waiting while the transport has paused writing, so its buffer stays below
     * the high-water mark plus one chunk. The protocol does not hear {@code pauseWriting} and
     * {@code resumeWriting} meanwhile; it is told afterwards if the paused state changed.
     *
     * <p>When the call returns or fails, the file's position is {@code offset} plus the bytes
     * sent (left alone when nothing was sent), as in asyncio.
     *
     * <h4>Cancellation</h4>
     * The transfer stops at once and the transport is restored (protocol, reading, writes); the
     * bytes sent so far are on their way to the peer (with the fallback, written to the
     * transport), and the file's position is {@code offset} plus their count. The stream is cut
     * at an arbitrary byte: close the transport unless the peer can tell.
     *
     * @param transport a TCP, Unix or TLS transport of this loop (a {@code StreamWriter}'s
     *        {@code transport()} is one)
     * @param file the file, open for reading; its size bounds the transfer
     * @param offset where to start in the file, in bytes, at least 0
     * @param count the most bytes to send, at least 1, or {@code null} to send up to the end
     *        of the file
     * @param fallback whether to read and write when the zero-copy path cannot be used (always
     *        the case with TLS)
     * @return the bytes sent (fewer than {@code count} when the file ends first)
     * @throws java.io.IOException if reading the file or writing the connection fails
     *         (a {@link java.net.SocketException} when the connection is lost meanwhile)
     * @throws SendfileNotAvailableError if the zero-copy path cannot be used and
     *         {@code fallback} is {@code false} (a TLS transport, for one)
     * @throws IllegalArgumentException if {@code offset < 0}, {@code count <= 0}, the file
     *         channel is closed or not readable, or the transport belongs to another loop
     * @throws IllegalStateException if the transport is closing ("Transport is closing"), is
     *         not a transport jasyncio can send files on (datagram and pipe transports cannot,
     *         as in asyncio), already runs a sendfile, or if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    long sendfile(org.jasyncio.transports.WriteTransport transport, java.nio.channels.FileChannel file, long offset,
            Long count, boolean fallback) throws java.io.IOException;

    // ---- network: servers --------------------------------------------------------------

    /**
     * Listens on {@code host}:{@code port} with the default options and returns the server;
     * asyncio's {@code create_server(protocol_factory, host, port)}.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param host a host name or IP literal; {@code null} or {@code ""} for all interfaces
     * @param port 0 to 65535; 0 lets the system choose (see {@link org.jasyncio.transports.Server#addresses()})
     * @return the server, accepting
     * @throws java.io.IOException see the form with options
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory, String host,
            int port) throws java.io.IOException;

    /**
     * Listens on every address {@code host} resolves to; asyncio's {@code create_server()}.
     * Each accepted connection gets a new protocol from {@code protocolFactory} and a
     * transport (TLS with {@code options.tls()}); a factory that throws, or a TLS handshake
     * that fails, closes that connection only (reported to the exception handler in debug
     * mode, as asyncio does).
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param host a host name or IP literal; {@code null} or {@code ""} for all interfaces
     * @param port 0 to 65535
     * @param options backlog, address reuse, TLS, start of serving; not {@code null}
     * @return the server
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws java.io.IOException if binding fails (for example
     *         {@link java.net.BindException} "Address already in use")
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory, String host,
            int port, org.jasyncio.transports.ServerOptions options) throws java.io.IOException;

    /**
     * Listens on every address of every host in {@code hosts}; asyncio's
     * {@code create_server(host=[...])}. Otherwise as the single-host form.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param hosts host names or IP literals; not empty
     * @param port 0 to 65535 (with 0, each socket gets its own port)
     * @param options backlog, address reuse, TLS, start of serving; not {@code null}
     * @return the server
     * @throws java.io.IOException as the single-host form; sockets bound before a failure
     *         are closed
     * @throws IllegalArgumentException if {@code hosts} is empty or the port is out of range
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory,
            java.util.List<String> hosts, int port, org.jasyncio.transports.ServerOptions options)
            throws java.io.IOException;

    /**
     * Listens on the Unix domain socket file {@code path}; asyncio's
     * {@code create_unix_server()}.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param path the socket file
     * @return the server
     * @throws java.io.IOException see the form with options
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createUnixServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory,
            java.nio.file.Path path) throws java.io.IOException;

    /**
     * Listens on the Unix domain socket file {@code path}. A socket file left at that path
     * (by a server that did not clean up) is removed first; any other file there is an
     * error. The file is removed when the server closes, if it is still the one the server
     * made (Python 3.13's {@code cleanup_socket}). The reuse options do not apply.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param path the socket file
     * @param options backlog, TLS, start of serving; not {@code null}
     * @return the server
     * @throws java.nio.file.FileAlreadyExistsException if a file that is not a socket is in
     *         the way
     * @throws java.io.IOException if binding fails
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createUnixServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory,
            java.nio.file.Path path, org.jasyncio.transports.ServerOptions options) throws java.io.IOException;

    // ---- network: datagrams ------------------------------------------------------------

    /**
     * Opens a UDP endpoint; asyncio's {@code create_datagram_endpoint()}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param localAddress the address to bind (unresolved ones are resolved), or
     *        {@code null} for an ephemeral port
     * @param remoteAddress the only peer to talk to (the socket is connected), or
     *        {@code null} to talk to anyone with {@code sendto(data, address)}
     * @return the transport and the protocol
     * @throws java.io.IOException see the form with options
     * @throws IllegalArgumentException if both addresses are {@code null}, or they are of
     *         different address families (IPv4 and IPv6)
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.DatagramProtocol> org.jasyncio.transports.DatagramEndpoint<P>
            createDatagramEndpoint(java.util.function.Supplier<? extends P> protocolFactory,
                    java.net.InetSocketAddress localAddress, java.net.InetSocketAddress remoteAddress)
            throws java.io.IOException;

    /**
     * Opens a UDP endpoint with options (address reuse, broadcast).
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param localAddress the address to bind, or {@code null}
     * @param remoteAddress the peer to connect to, or {@code null}
     * @param options the options; not {@code null}
     * @return the transport and the protocol
     * @throws java.net.UnknownHostException if an address does not resolve
     * @throws java.io.IOException if binding or connecting fails
     * @throws IllegalArgumentException if both addresses are {@code null}, or they are of
     *         different address families (IPv4 and IPv6)
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.DatagramProtocol> org.jasyncio.transports.DatagramEndpoint<P>
            createDatagramEndpoint(java.util.function.Supplier<? extends P> protocolFactory,
                    java.net.InetSocketAddress localAddress, java.net.InetSocketAddress remoteAddress,
                    org.jasyncio.transports.DatagramOptions options) throws java.io.IOException;

    // ---- network: over channels the caller made (asyncio's sock=) ----------------------

    /**
     * Connects a new protocol to a stream channel that is connected already; asyncio's
     * {@code create_connection(protocol_factory, sock=sock)}. The channel (TCP or Unix; a
     * {@code SocketChannel} is always a stream socket) is set non-blocking, gets
     * {@code TCP_NODELAY} if it is TCP, and belongs to the transport from then on: closing
     * the transport closes it. Use it for sockets made elsewhere (inherited, socket
     * activation, {@code SocketChannel.open()} with options jasyncio does not set).
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the channel, as does a failed TLS handshake.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param sock a connected channel; its peer is the transport's {@code "peername"}
     * @param options TLS (which needs a server host name: there is no host to take it from);
     *        no local address and no happy eyeballs, the channel being connected already;
     *        not {@code null}
     * @return the transport and the protocol
     * @throws java.io.IOException if the channel cannot be set up, or the TLS handshake fails
     * @throws IllegalArgumentException if the channel is closed, not connected (or still
     *         connecting), or the options ask for a local address, happy eyeballs, or TLS
     *         without a server host name (asyncio's {@code ValueError}); the channel is then
     *         left as it was
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createConnection(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.channels.SocketChannel sock,
            org.jasyncio.transports.ConnectionOptions options) throws java.io.IOException;

    /**
     * As {@link #createConnection(java.util.function.Supplier, java.nio.channels.SocketChannel,
     * org.jasyncio.transports.ConnectionOptions)} for a connected Unix domain stream channel;
     * asyncio's {@code create_unix_connection(protocol_factory, sock=sock)}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param sock a connected Unix domain channel
     * @param options TLS (with a server host name); not {@code null}
     * @return the transport and the protocol
     * @throws java.io.IOException if the channel cannot be set up, or the TLS handshake fails
     * @throws IllegalArgumentException as the TCP form, or if the channel is not a Unix
     *         domain socket
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> createUnixConnection(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.channels.SocketChannel sock,
            org.jasyncio.transports.ConnectionOptions options) throws java.io.IOException;

    /**
     * Connects a new protocol to a channel a server accepted outside of jasyncio; asyncio's
     * {@code connect_accepted_socket(protocol_factory, sock)}. As
     * {@link #connectAcceptedSocket(java.util.function.Supplier, java.nio.channels.SocketChannel,
     * org.jasyncio.transports.TlsOptions)} without TLS.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param sock a connected stream channel
     * @return the transport and the protocol
     * @throws java.io.IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed or not connected
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> connectAcceptedSocket(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.channels.SocketChannel sock)
            throws java.io.IOException;

    /**
     * Connects a new protocol to a channel a server accepted outside of jasyncio, with TLS on
     * the server side; asyncio's {@code connect_accepted_socket(protocol_factory, sock,
     * ssl=..., ssl_handshake_timeout=..., ssl_shutdown_timeout=...)}. The channel is set
     * non-blocking and belongs to the transport from then on. The protocol's
     * {@code connectionMade} has run when this returns; with TLS, the handshake is done too.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call closes the channel, as does a failed TLS handshake.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol; called once, on the loop thread
     * @param sock a connected stream channel (TCP or Unix)
     * @param tls the server's TLS options (certificate, handshake and shutdown timeouts), or
     *        {@code null} for none
     * @return the transport and the protocol
     * @throws java.io.IOException if the channel cannot be set up, or the TLS handshake fails
     *         ({@link java.net.SocketTimeoutException} when its timeout passes)
     * @throws IllegalArgumentException if the channel is closed or not connected, or the TLS
     *         options name a server host (a client-side setting); the channel is then left as
     *         it was
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.BaseProtocol> org.jasyncio.transports.Connection<P> connectAcceptedSocket(
            java.util.function.Supplier<? extends P> protocolFactory, java.nio.channels.SocketChannel sock,
            org.jasyncio.transports.TlsOptions tls) throws java.io.IOException;

    /**
     * Serves on a listening channel made elsewhere; asyncio's
     * {@code create_server(protocol_factory, sock=sock)}. The channel (TCP or Unix) is set
     * non-blocking and belongs to the server: {@link org.jasyncio.transports.Server#close()}
     * closes it. A Java server channel listens from {@code bind()} on, with the backlog given
     * there; {@code options.backlog()} only bounds the connections accepted per wake-up, and
     * the reuse options do not apply (set them on the channel before binding). A Unix
     * socket file is removed at close if it is still this socket's, as
     * {@link #createUnixServer(java.util.function.Supplier, java.nio.file.Path,
     * org.jasyncio.transports.ServerOptions)} does.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param sock a bound channel
     * @param options TLS, start of serving; not {@code null}
     * @return the server
     * @throws java.io.IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed or not bound (asyncio's
     *         {@code ValueError}); the channel is then left as it was
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory,
            java.nio.channels.ServerSocketChannel sock, org.jasyncio.transports.ServerOptions options)
            throws java.io.IOException;

    /**
     * As {@link #createServer(java.util.function.Supplier, java.nio.channels.ServerSocketChannel,
     * org.jasyncio.transports.ServerOptions)} for a bound Unix domain channel; asyncio's
     * {@code create_unix_server(protocol_factory, sock=sock)}.
     *
     * @param protocolFactory makes one protocol per accepted connection
     * @param sock a bound Unix domain channel
     * @param options TLS, start of serving; not {@code null}
     * @return the server
     * @throws java.io.IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed, not bound, or not a Unix
     *         domain socket
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    org.jasyncio.transports.Server createUnixServer(
            java.util.function.Supplier<? extends org.jasyncio.transports.BaseProtocol> protocolFactory,
            java.nio.channels.ServerSocketChannel sock, org.jasyncio.transports.ServerOptions options)
            throws java.io.IOException;

    /**
     * Opens a datagram endpoint over a channel made elsewhere; asyncio's
     * {@code create_datagram_endpoint(protocol_factory, sock=sock)}. The channel may be bound,
     * connected (then the transport talks to that peer only, as with a remote address) or
     * neither; it is set non-blocking and belongs to the transport from then on.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param sock a datagram channel
     * @param options must not set reuse-port or broadcast (set them on the channel; asyncio's
     *        "socket modifier keyword arguments can not be used when sock is specified");
     *        not {@code null}
     * @return the transport and the protocol
     * @throws java.io.IOException if the channel cannot be set up
     * @throws IllegalArgumentException if the channel is closed or the options set socket
     *         options; the channel is then left as it was
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     */
    <P extends org.jasyncio.transports.DatagramProtocol> org.jasyncio.transports.DatagramEndpoint<P>
            createDatagramEndpoint(java.util.function.Supplier<? extends P> protocolFactory,
                    java.nio.channels.DatagramChannel sock, org.jasyncio.transports.DatagramOptions options)
            throws java.io.IOException;

    /**
     * Opens a Unix domain datagram endpoint ({@code AF_UNIX}, {@code SOCK_DGRAM}); asyncio's
     * {@code create_datagram_endpoint(family=socket.AF_UNIX, local_addr=path, remote_addr=path)}.
     * Datagrams arrive with the sender's {@link java.net.UnixDomainSocketAddress}, or
     * {@code null} when the sender is not bound to a path; {@code sendto} takes a
     * {@code UnixDomainSocketAddress}.
     *
     * <p>As in asyncio, a socket file already at {@code localPath} is removed before binding
     * (another kind of file is left alone, and binding fails), and closing the endpoint leaves
     * its socket file in place.
     *
     * <p>The JDK has no Unix datagram channel: the socket is made with libc through the Foreign
     * Function API (Linux on x86-64 or AArch64), which needs native access for jasyncio
     * ({@code --enable-native-access=org.jasyncio} on the module path, {@code =ALL-UNNAMED} on
     * the class path; without it JDK 25 prints a warning once and goes on). Readiness comes from
     * one JVM-wide thread blocked in {@code epoll_wait} and reaches the loop through its inbox;
     * the loop reads and writes the socket itself, without blocking.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no socket open.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol
     * @param localPath the socket file to bind (at most 107 bytes), or {@code null} to stay
     *        unbound (the endpoint can send but receives no replies)
     * @param remotePath the only peer to talk to (the socket is connected), or {@code null} to
     *        talk to anyone with {@code sendto(data, address)} (both paths {@code null}: an
     *        unbound socket that sends to any path, asyncio's {@code family=AF_UNIX} alone)
     * @return the transport and the protocol
     * @throws java.net.BindException if {@code localPath} is in use by a file that is not a
     *         socket (the message names the path)
     * @throws java.nio.file.NoSuchFileException if the directory of {@code localPath} or the
     *         socket at {@code remotePath} does not exist
     * @throws java.net.ConnectException if nobody is bound to {@code remotePath}
     * @throws java.net.SocketException if a path is longer than 107 bytes (the message names
     *         it), or the system refuses the socket
     * @throws java.io.IOException if binding or connecting fails otherwise
     * @throws UnsupportedOperationException if this platform has no implementation, or native
     *         access is denied to jasyncio (the message names the flag)
     * @throws IllegalStateException if called outside a task of this loop
     * @throws CancelledError if the calling task is cancelled
     * @since 0.1
     */
    <P extends org.jasyncio.transports.DatagramProtocol> org.jasyncio.transports.DatagramEndpoint<P>
            createUnixDatagramEndpoint(java.util.function.Supplier<? extends P> protocolFactory,
                    java.nio.file.Path localPath, java.nio.file.Path remotePath) throws java.io.IOException;

    /**
     * Returns the loop's counters and gauges: tasks alive and created, ready-queue depth,
     * callbacks run, iterations, selector wake-ups, timers pending and the sampled iteration
     * lag. asyncio has none; Trio's primitives have {@code statistics()}. The same figures are
     * published, for every running loop, through the platform MBean
     * {@code org.jasyncio:type=EventLoops} and the {@code ps} tool.
     *
     * @return a snapshot; later activity does not change it
     * @throws IllegalStateException if called from another thread while the loop runs (post
     *     the call with {@link #callSoonThreadsafe(Runnable)})
     * @since 0.1
     */
    LoopStatistics statistics();
}
