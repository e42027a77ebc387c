package org.jasyncio;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * asyncio's module-level functions: run a program, sleep, create and combine tasks, set
 * deadlines, and cross between the loop and other threads. Import them statically:
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 *
 * static String sayAfter(double delay, String what) {
 *     sleep(delay);
 *     System.out.println(what);
 *     return what;
 * }
 *
 * public static void main(String[] args) throws Exception {
 *     run(() -> {
 *         var t1 = createTask(() -> sayAfter(2, "hello"));
 *         var t2 = createTask(() -> sayAfter(1, "world"));
 *         return List.of(t1.await(), t2.await());   // about 2 seconds, not 3
 *     });
 * }
 * }</pre>
 *
 * <h2>Coroutine calls and futures</h2>
 * asyncio's coroutine functions ({@code sleep}, {@code wait}, {@code wait_for},
 * {@code to_thread}) are plain calls here: they suspend the calling task and return the
 * result, as {@code await asyncio.sleep(1)} does. asyncio's functions that return a
 * future ({@code gather}, {@code shield}, {@code create_task}) return a {@link Future}
 * here; call {@link Future#await()} on it. Suspending functions must be called inside a
 * task; elsewhere they throw {@link IllegalStateException}.
 *
 * <h2>Time</h2>
 * Delays and timeouts are seconds as {@code double}, like asyncio, each with a
 * {@link Duration} overload. {@code Double.POSITIVE_INFINITY} means "no timeout" (Python's
 * {@code None}); zero or negative values mean "now", as in asyncio, and NaN is rejected with
 * {@link IllegalArgumentException}.
 *
 * @since 0.1
 */
public final class Asyncio {
    private Asyncio() {}

    // =====================================================================================
    // Running
    // =====================================================================================

    /**
     * Runs {@code main} in a new event loop and returns its result, then cancels the tasks
     * it left running, shuts the default executor down and closes the loop; asyncio's
     * {@code asyncio.run(main)}.
     *
     * @param <T> the result type
     * @param main the main coroutine; not {@code null}
     * @return its result
     * @throws IllegalStateException if called from a running event loop
     * @throws CancelledError if the main task was cancelled
     * @throws Exception whatever {@code main} raises
     */
    public static <T> T run(Coroutine<T> main) throws Exception {
        try (Runner r = new Runner()) {
            return r.run(main);
        }
    }

    /**
     * Runs a main coroutine that returns nothing; see {@link #run(Coroutine)}.
     *
     * @param main the main coroutine; not {@code null}
     * @throws IllegalStateException if called from a running event loop
     * @throws Exception whatever {@code main} raises
     */
    public static void run(VoidCoroutine main) throws Exception {
        run(Coroutine.of(main));
    }

    /**
     * Runs {@code main} with the loop's debug mode set; asyncio's
     * {@code asyncio.run(main, debug=...)}.
     *
     * @param <T> the result type
     * @param main the main coroutine; not {@code null}
     * @param debug the debug mode (see {@link EventLoop#setDebug})
     * @return its result
     * @throws IllegalStateException if called from a running event loop
     * @throws Exception whatever {@code main} raises
     */
    public static <T> T run(Coroutine<T> main, boolean debug) throws Exception {
        try (Runner r = new Runner(debug)) {
            return r.run(main);
        }
    }

    /**
     * Runs a main coroutine that returns nothing, with the loop's debug mode set.
     *
     * @param main the main coroutine; not {@code null}
     * @param debug the debug mode
     * @throws IllegalStateException if called from a running event loop
     * @throws Exception whatever {@code main} raises
     */
    public static void run(VoidCoroutine main, boolean debug) throws Exception {
        run(Coroutine.of(main), debug);
    }

    /**
     * Creates a new event loop; asyncio's {@code new_event_loop()}. The caller runs it and
     * must {@link EventLoop#close() close} it.
     *
     * @return a new, not running loop
     * @throws IllegalStateException if the JVM lacks
     *         {@code --add-opens java.base/java.lang=ALL-UNNAMED}; the message names the flag
     */
    public static EventLoop newEventLoop() {
        return new SelectorEventLoop();
    }

    /**
     * Returns the loop running the calling task or callback; asyncio's
     * {@code get_running_loop()}.
     *
     * @return the running loop
     * @throws IllegalStateException (asyncio's {@code RuntimeError}) if no loop runs here
     */
    public static EventLoop getRunningLoop() {
        BaseEventLoop l = RunningLoops.current();
        if (l == null) {
            throw new IllegalStateException("no running event loop");
        }
        return l;
    }

    static BaseEventLoop loop(String what) {
        BaseEventLoop l = RunningLoops.current();
        if (l == null) {
            throw new IllegalStateException(what + " needs a running event loop, and none runs on thread '"
                    + Thread.currentThread().getName() + "'");
        }
        return l;
    }

    static Task<?> task(String what) {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask(what);
        }
        return t;
    }

    // =====================================================================================
    // Sleeping
    // =====================================================================================

    /**
     * Suspends the calling task for {@code delay} seconds; asyncio's {@code sleep(delay)}.
     * {@code sleep(0)} lets every other ready task and callback run once.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled sleep throws {@link CancelledError} and leaves nothing behind.
     *
     * @param delay seconds; zero or negative yields once, as {@code sleep(0)}
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the task is cancelled meanwhile
     */
    public static void sleep(double delay) {
        sleep(delay, null);
    }

    /**
     * Suspends the calling task for {@code delay} seconds and returns {@code result};
     * asyncio's {@code sleep(delay, result)}.
     *
     * @param <T> the result type
     * @param delay seconds; zero or negative yields once, as {@code sleep(0)}
     * @param result what to return; may be {@code null}
     * @return {@code result}
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the task is cancelled meanwhile
     */
    public static <T> T sleep(double delay, T result) {
        Seconds.checkSeconds(delay, "delay");
        Task<?> t = task("sleep()");
        if (delay <= 0) {
            t.yieldNow();
            return result;
        }
        return sleepNanos(t, Seconds.secondsToNanos(delay), result);
    }

    /**
     * Suspends the calling task for {@code delay}.
     *
     * @param delay the delay; zero or negative yields once
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the task is cancelled meanwhile
     */
    public static void sleep(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        Task<?> t = task("sleep()");
        if (delay.isNegative() || delay.isZero()) {
            t.yieldNow();
            return;
        }
        sleepNanos(t, Seconds.nanos(delay), null);
    }

    private static <T> T sleepNanos(Task<?> t, long nanos, T result) {
        BaseEventLoop loop = t.loop;
        Future<T> f = new Future<>(loop);
        TimerHandle h = loop.callLaterInternal(nanos, () -> {
            if (!f.done()) {
                f.setResult0(result);
            }
        });
        try {
            f.awaitDone();
        } finally {
            h.cancel();
        }
        return result;
    }

    // =====================================================================================
    // Tasks
    // =====================================================================================

    /**
     * Wraps {@code coro} in a task on the running loop; asyncio's {@code create_task()}.
     * Keep a reference to the task (or await it): a task nobody references may be
     * garbage-collected while pending, which is reported as an error.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return the scheduled task
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return loop("createTask()").createTask(coro, null, null);
    }

    /**
     * Wraps a coroutine that returns nothing in a task on the running loop.
     *
     * @param coro the coroutine; not {@code null}
     * @return the scheduled task
     * @throws IllegalStateException if no loop runs here
     */
    public static Task<Void> createTask(VoidCoroutine coro) {
        return loop("createTask()").createTask(Coroutine.of(coro), null, null);
    }

    /**
     * Wraps {@code coro} in a named task.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null} for {@code Task-N}
     * @return the scheduled task
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return loop("createTask()").createTask(coro, name, null);
    }

    /**
     * Wraps {@code coro} in a named task running in {@code context}; asyncio's
     * {@code create_task(coro, name=, context=)}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null} for {@code Task-N}
     * @param context the context, or {@code null} for a copy of the current one
     * @return the scheduled task
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        return loop("createTask()").createTask(coro, name, context);
    }

    /**
     * Wraps {@code coro} in a task on the running loop whose first step runs at once
     * ({@code eagerStart}) or on a later iteration, whatever the loop's task factory;
     * asyncio 3.14's {@code create_task(coro, eager_start=...)}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null}
     * @param context the context to run in, or {@code null} for a copy of the current one
     * @param eagerStart run the first step before this call returns
     * @return the task; already done if an eager coroutine finished without suspending
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name, Context context, boolean eagerStart) {
        return loop("createTask()").createTask(coro, name, context, eagerStart);
    }

    // =====================================================================================
    // Call graphs (Python 3.14)
    // =====================================================================================

    /**
     * Captures the await graph of the task running the caller; asyncio's
     * {@code capture_call_graph()} (3.14). The task's call stack starts at the caller of this
     * method; its awaiters are the tasks awaiting it, gathering or shielding it, or owning the
     * task group it belongs to, each with its own awaiters. Loop thread only.
     *
     * @return the graph, or {@code null} when called from a callback of the running loop
     *     (no current task), as in asyncio
     * @throws IllegalStateException if no loop runs on this thread
     * @since 0.1
     */
    public static FutureCallGraph captureCallGraph() {
        Task<?> t = currentTask();
        return t == null ? null : CallGraphs.capture(t);
    }

    /**
     * Captures the await graph of {@code future}; asyncio's {@code capture_call_graph(future)}
     * (3.14). For a task, the call stack is where it is suspended (the caller's frames when
     * {@code future} is the current task); for a plain future it is empty.
     *
     * @param future the future or task; not {@code null}
     * @return the graph
     * @throws NullPointerException if {@code future} is {@code null}
     * @throws IllegalStateException if called from another thread while the future's loop runs
     * @since 0.1
     */
    public static FutureCallGraph captureCallGraph(Future<?> future) {
        Objects.requireNonNull(future, "future");
        future.loop.checkThread("captureCallGraph()");
        return CallGraphs.capture(future);
    }

    /**
     * Prints the current task's await graph to {@code System.out}; asyncio's
     * {@code print_call_graph()} (3.14). Prints nothing in a callback (no current task).
     *
     * @throws IllegalStateException if no loop runs on this thread
     * @since 0.1
     */
    public static void printCallGraph() {
        FutureCallGraph g = captureCallGraph();
        if (g != null) {
            System.out.println(g.format());
        }
    }

    /**
     * Prints {@code future}'s await graph to {@code System.out}; asyncio's
     * {@code print_call_graph(future)} (3.14).
     *
     * @param future the future or task; not {@code null}
     * @throws NullPointerException if {@code future} is {@code null}
     * @throws IllegalStateException if called from another thread while the future's loop runs
     * @since 0.1
     */
    public static void printCallGraph(Future<?> future) {
        printCallGraph(future, System.out);
    }

    /**
     * Prints {@code future}'s await graph in asyncio 3.14's {@code print_call_graph} layout.
     *
     * @param future the future or task; not {@code null}
     * @param out where to print; not {@code null}
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalStateException if called from another thread while the future's loop runs
     * @since 0.1
     */
    public static void printCallGraph(Future<?> future, PrintStream out) {
        Objects.requireNonNull(out, "out");
        out.println(captureCallGraph(future).format());
    }

    /**
     * Returns the task running the caller; asyncio's {@code current_task()}.
     *
     * @return the task, or {@code null} in a callback of the running loop
     * @throws IllegalStateException if no loop runs on this thread ("no running event loop")
     */
    public static Task<?> currentTask() {
        Task<?> t = Task.current();
        if (t == null && RunningLoops.onThisThread() == null) {
            throw new IllegalStateException("no running event loop");
        }
        return t;
    }

    /**
     * Returns the task that {@code loop} is running a step of right now, or {@code null};
     * asyncio's {@code current_task(loop)}. Thread-safe; from another thread the answer may
     * be stale at once.
     *
     * @param loop the loop; not {@code null}
     * @return the task running on {@code loop}, or {@code null} between steps
     */
    public static Task<?> currentTask(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        return loop instanceof BaseEventLoop b ? b.current : null;
    }

    /**
     * Returns the running loop's tasks that are not done; asyncio's {@code all_tasks()}.
     *
     * @return a new set, oldest task first
     * @throws IllegalStateException if no loop runs here
     */
    public static Set<Task<?>> allTasks() {
        return loop("allTasks()").tasks.allTasks();
    }

    /**
     * Returns the tasks of {@code loop} that are not done; asyncio's
     * {@code all_tasks(loop)}.
     *
     * @param loop the loop; call from its thread, or while it is not running
     * @return a new set, oldest task first
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public static Set<Task<?>> allTasks(EventLoop loop) {
        BaseEventLoop l = (BaseEventLoop) loop;
        l.checkThread("allTasks()");
        return l.tasks.allTasks();
    }

    /**
     * Returns {@code aw} as a future of the running loop, wrapping a coroutine in a task;
     * asyncio's {@code ensure_future()}.
     *
     * @param <T> the result type
     * @param aw a future or coroutine; not {@code null}
     * @return the future itself, or a new task
     * @throws IllegalStateException if a coroutine is given and no loop runs here
     */
    public static <T> Future<T> ensureFuture(Awaitable<T> aw) {
        Objects.requireNonNull(aw, "aw");
        if (aw instanceof Future<T> f) {
            return f;
        }
        return ensureFuture(loop("ensureFuture()"), aw);
    }

    @SuppressWarnings("unchecked")
    static <T> Future<T> ensureFuture(BaseEventLoop loop, Awaitable<T> aw) {
        if (aw instanceof Future<T> f) {
            if (f.loop != loop) {
                throw new IllegalArgumentException("The future " + f + " belongs to a different loop");
            }
            return f;
        }
        if (aw instanceof Coroutine<T> c) {
            return loop.createTask(c, null, null);
        }
        if (aw instanceof VoidCoroutine v) {
            return (Future<T>) loop.createTask(Coroutine.of(v), null, null);
        }
        Objects.requireNonNull(aw, "awaitable");
        return loop.createTask(aw::await, null, null);
    }

    // =====================================================================================
    // gather
    // =====================================================================================

    /**
     * Runs coroutines concurrently, each in its own task; the returned future's result is
     * the list of their results, in argument order; asyncio's {@code gather(*coros)}.
     * If a child fails, the future fails with that exception at once and the other
     * children keep running. Cancelling the future cancels every child.
     *
     * <p>There is deliberately no overload for {@code VoidCoroutine...}: it would bind
     * {@code gather(() -> sleep(1), () -> compute())} to void lambdas and drop
     * {@code compute()}'s value. Coroutines that return nothing go in as tasks
     * ({@code gather(createTask(a), createTask(b))}) or return {@code null}.
     *
     * @param <T> the common result type
     * @param coros the coroutines; none {@code null}
     * @return a future of the results
     * @throws IllegalStateException if no loop runs here
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Coroutine<? extends T>... coros) {
        return gather(Arrays.asList(coros));
    }

    /**
     * Waits for futures and tasks concurrently; see {@link #gather(Coroutine[])}.
     *
     * @param <T> the common result type
     * @param futures the futures; none {@code null}
     * @return a future of the results, in argument order
     * @throws IllegalStateException if no loop runs here
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Future<? extends T>... futures) {
        return gather(Arrays.asList(futures));
    }

    /**
     * Gathers any mix of futures and coroutines; see {@link #gather(Coroutine[])}.
     *
     * @param <T> the common result type
     * @param aws the awaitables; none {@code null}; each coroutine runs in its own task (the
     *        same lambda given twice runs twice), a future given twice is awaited once
     * @return a future of the results, in order
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Future<List<T>> gather(Collection<? extends Awaitable<? extends T>> aws) {
        return GatheringFuture.of(gatherLoop(aws), new ArrayList<>(aws), false);
    }

    /**
     * Gathers awaitables; with {@code returnExceptions}, a child's exception (or the
     * {@link CancelledError} of a cancelled child) takes its place in the result list
     * instead of failing the future; asyncio's {@code gather(..., return_exceptions=True)}.
     *
     * @param aws the awaitables; none {@code null}
     * @param returnExceptions whether failures go into the list
     * @return a future of the results or failures, in order
     * @throws IllegalStateException if no loop runs here
     */
    public static Future<List<Object>> gather(Collection<? extends Awaitable<?>> aws, boolean returnExceptions) {
        return GatheringFuture.of(gatherLoop(aws), new ArrayList<>(aws), returnExceptions);
    }

    private static BaseEventLoop gatherLoop(Collection<? extends Awaitable<?>> aws) {
        for (Awaitable<?> aw : aws) {
            Objects.requireNonNull(aw, "awaitable");
            if (aw instanceof Future<?> f) {
                return f.loop;
            }
        }
        return loop("gather()");
    }

    // =====================================================================================
    // wait, waitFor, asCompleted, shield
    // =====================================================================================

    /**
     * Waits until every awaitable is done; asyncio's {@code wait(aws)}. Coroutines are
     * wrapped in tasks (asyncio 3.11 deprecates that; jasyncio allows it).
     *
     * @param <T> the result type
     * @param aws the awaitables; not empty
     * @return the done and pending futures
     * @throws IllegalArgumentException if {@code aws} is empty
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled (the awaitables are not)
     */
    public static <T> WaitResult<T> wait(Collection<? extends Awaitable<? extends T>> aws) {
        return wait(aws, Double.POSITIVE_INFINITY, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until {@code returnWhen} is met; asyncio's {@code wait(aws, return_when=)}.
     *
     * @param <T> the result type
     * @param aws the awaitables; not empty
     * @param returnWhen when to return
     * @return the done and pending futures
     * @throws IllegalArgumentException if {@code aws} is empty
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static <T> WaitResult<T> wait(Collection<? extends Awaitable<? extends T>> aws, ReturnWhen returnWhen) {
        return wait(aws, Double.POSITIVE_INFINITY, returnWhen);
    }

    /**
     * Waits until every awaitable is done or {@code timeout} seconds pass; asyncio's
     * {@code wait(aws, timeout=)}. A timeout does not raise: the unfinished futures are in
     * {@link WaitResult#pending()}.
     *
     * @param <T> the result type
     * @param aws the awaitables; not empty
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}
     * @return the done and pending futures
     * @throws IllegalArgumentException if {@code aws} is empty or {@code timeout} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static <T> WaitResult<T> wait(Collection<? extends Awaitable<? extends T>> aws, double timeout) {
        return wait(aws, timeout, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until {@code returnWhen} is met or {@code timeout} seconds pass; asyncio's
     * {@code wait(aws, timeout=, return_when=)}.
     *
     * <h4>Cancellation</h4>
     * Cancelling the calling task does not cancel the awaitables.
     *
     * @param <T> the result type
     * @param aws the awaitables; not empty
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}
     * @param returnWhen when to return
     * @return the done and pending futures
     * @throws IllegalArgumentException if {@code aws} is empty or {@code timeout} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    @SuppressWarnings("unchecked")
    public static <T> WaitResult<T> wait(Collection<? extends Awaitable<? extends T>> aws, double timeout,
            ReturnWhen returnWhen) {
        Objects.requireNonNull(returnWhen, "returnWhen");
        if (aws.isEmpty()) {
            throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        }
        Seconds.checkSeconds(timeout, "timeout");
        Task<?> task = task("wait()");
        BaseEventLoop loop = task.loop;
        Set<Future<T>> fs = new LinkedHashSet<>();
        for (Awaitable<? extends T> aw : aws) {
            fs.add((Future<T>) ensureFuture(loop, aw));
        }
        Future<Void> waiter = loop.createFuture();
        TimerHandle timeoutHandle = timeout == Double.POSITIVE_INFINITY ? null
                : loop.callLaterInternal(Seconds.secondsToNanos(timeout), () -> waiter.trySetResult(null));
        int[] counter = {fs.size()};
        Consumer<Future<T>> onCompletion = f -> {
            counter[0]--;
            if (counter[0] <= 0 || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.rawException() != null) {
                if (timeoutHandle != null) {
                    timeoutHandle.cancel();
                }
                waiter.trySetResult(null);
            }
        };
        for (Future<T> f : fs) {
            f.addInternalCallback(onCompletion);
            AwaitedBy.add(f, task); // the task parks on `waiter`: the call graph needs the link
        }
        try {
            waiter.awaitDone();
        } finally {
            if (timeoutHandle != null) {
                timeoutHandle.cancel();
            }
            for (Future<T> f : fs) {
                f.removeDoneCallback(onCompletion);
                AwaitedBy.discard(f, task);
            }
        }
        Set<Future<T>> done = new LinkedHashSet<>();
        Set<Future<T>> pending = new LinkedHashSet<>();
        for (Future<T> f : fs) {
            (f.done() ? done : pending).add(f);
        }
        return new WaitResult<>(done, pending);
    }

    /**
     * Waits for {@code aw} at most {@code timeout} seconds; asyncio's {@code wait_for()}
     * (3.12 semantics). A coroutine runs inline in the calling task, under a
     * {@linkplain #timeout(double, Coroutine) timeout scope}, as in Python 3.12+: no task is
     * made, so a result it produced is never dropped (bytes it read from a stream stay read
     * and returned). A future or task is awaited under the same scope. On timeout the
     * awaitable is cancelled, this call waits until it has really finished, then throws
     * {@link TimeoutError} whose cause is the awaitable's {@link CancelledError}. If it
     * finishes anyway despite the cancellation, its result is returned. With a timeout of zero
     * or less, a coroutine is wrapped in a task that is cancelled before it starts.
     *
     * <h4>Cancellation</h4>
     * Cancelling the calling task cancels {@code aw} too.
     *
     * @param <T> the result type
     * @param aw a future or coroutine; not {@code null}
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}; 0 checks once
     * @return the result
     * @throws TimeoutError if the deadline passed
     * @throws IllegalArgumentException if {@code timeout} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     * @throws Exception whatever {@code aw} raises
     */
    public static <T> T waitFor(Awaitable<T> aw, double timeout) throws Exception {
        Objects.requireNonNull(aw, "aw");
        Seconds.checkSeconds(timeout, "timeout");
        Task<?> task = task("waitFor()");
        if (aw instanceof Future<T> f && f.loop != task.loop) {
            throw new IllegalArgumentException("The future " + f + " belongs to a different loop");
        }
        if (timeout == Double.POSITIVE_INFINITY) {
            return aw.await();
        }
        if (timeout <= 0) {
            Future<T> fut = ensureFuture(task.loop, aw);
            if (fut.done()) {
                return fut.result();
            }
            cancelAndWait(fut);
            try {
                return fut.result();
            } catch (CancelledError e) {
                throw new TimeoutError("waitFor() timed out after 0 seconds", e);
            }
        }
        return Timeout.run(task, task.loop.time() + timeout, "waitFor() timed out after " + timeout + " seconds",
                scope -> aw.await());
    }

    /**
     * Waits for a coroutine at most {@code timeout} seconds; see
     * {@link #waitFor(Awaitable, double)}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}
     * @return the result
     * @throws TimeoutError if the deadline passed
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code coro} raises
     */
    public static <T> T waitFor(Coroutine<T> coro, double timeout) throws Exception {
        return waitFor((Awaitable<T>) coro, timeout);
    }

    /**
     * Waits for a coroutine that returns nothing at most {@code timeout} seconds.
     *
     * @param coro the coroutine; not {@code null}
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}
     * @throws TimeoutError if the deadline passed
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code coro} raises
     */
    public static void waitFor(VoidCoroutine coro, double timeout) throws Exception {
        waitFor((Awaitable<Void>) coro, timeout);
    }

    /**
     * Waits for {@code aw} at most {@code timeout}; see {@link #waitFor(Awaitable, double)}.
     *
     * @param <T> the result type
     * @param aw a future or coroutine; not {@code null}
     * @param timeout the timeout; zero or negative means it has already expired
     * @return the result
     * @throws TimeoutError if the deadline passed
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code aw} raises
     */
    public static <T> T waitFor(Awaitable<T> aw, Duration timeout) throws Exception {
        return waitFor(aw, Seconds.nanos(timeout) / 1e9);
    }

    private static void cancelAndWait(Future<?> fut) {
        BaseEventLoop loop = fut.loop;
        Future<Void> waiter = loop.createFuture();
        Consumer<Future<?>> release = f -> waiter.trySetResult(null);
        fut.addInternalCallback(release);
        try {
            fut.cancelInternal(null);
            waiter.awaitDone();
        } finally {
            fut.removeEntriesFor(release);
        }
    }

    /**
     * Returns an iterable over {@code fs} in completion order; asyncio's
     * {@code as_completed()}, iterated as Python 3.13's {@code async for}: each
     * {@code next()} suspends the calling task until one more future is done, and returns
     * that future.
     *
     * <pre>{@code
     * for (Future<String> f : asCompleted(tasks)) {
     *     System.out.println(f.result());   // earliest first
     * }
     * }</pre>
     *
     * @param <T> the result type
     * @param aws the awaitables; coroutines are wrapped in tasks
     * @return a single-use iterable
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Awaitable<? extends T>> aws) {
        return asCompleted(aws, Double.POSITIVE_INFINITY);
    }

    /**
     * Returns an iterable over {@code fs} in completion order whose {@code next()} throws
     * {@link TimeoutError} once {@code timeout} seconds have passed.
     *
     * @param <T> the result type
     * @param aws the awaitables; coroutines are wrapped in tasks
     * @param timeout seconds, or {@code Double.POSITIVE_INFINITY}
     * @return a single-use iterable
     * @throws IllegalArgumentException if {@code timeout} is NaN
     * @throws IllegalStateException if no loop runs here
     */
    @SuppressWarnings("unchecked")
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Awaitable<? extends T>> aws, double timeout) {
        Seconds.checkSeconds(timeout, "timeout");
        BaseEventLoop loop = loop("asCompleted()");
        List<Future<T>> fs = new ArrayList<>();
        for (Awaitable<? extends T> aw : aws) {
            fs.add((Future<T>) ensureFuture(loop, aw));
        }
        return new AsCompleted<>(loop, fs, timeout);
    }

    /**
     * Protects {@code aw} from cancellation; asyncio's {@code shield()}. Returns a future
     * that completes like {@code aw}; cancelling that future (for example because the task
     * awaiting it was cancelled) does not cancel {@code aw}.
     *
     * <pre>{@code
     * String r = shield(task).await();   // a cancel of this task leaves `task` running
     * }</pre>
     *
     * <p>If {@code aw} fails after the outer future was cancelled, its exception is left
     * unretrieved, so the loop reports it once ("exception was never retrieved"), as asyncio
     * 3.14 does, instead of losing it.
     *
     * @param <T> the result type
     * @param aw a future or coroutine; not {@code null}
     * @return the outer future, or {@code aw} itself when it is already done
     * @throws IllegalStateException if a coroutine is given and no loop runs here
     */
    public static <T> Future<T> shield(Awaitable<T> aw) {
        Objects.requireNonNull(aw, "aw");
        Future<T> inner = aw instanceof Future<T> f ? f : ensureFuture(loop("shield()"), aw);
        if (inner.done()) {
            return inner;
        }
        BaseEventLoop loop = inner.loop;
        Future<T> outer = new Future<>(loop);
        Task<?> caller = AwaitedBy.currentTask(loop);
        AwaitedBy.add(inner, caller);
        Consumer<Future<T>> innerDone = in -> {
            AwaitedBy.discard(in, caller);
            if (outer.cancelled()) {
                // asyncio 3.14: a failure nobody will see through the cancelled outer future is
                // left unretrieved, so it is reported once ("exception was never retrieved")
                return;
            }
            if (in.cancelled()) {
                outer.cancel0(null, null);
            } else {
                Throwable e = in.rawException();
                if (e != null) {
                    outer.setException0(e);
                } else {
                    outer.setResult0(in.rawResult());
                }
            }
        };
        inner.addInternalCallback(innerDone);
        outer.addInternalCallback(o -> {
            if (!inner.done()) {
                inner.removeEntriesFor(innerDone);
            }
        });
        return outer;
    }

    /**
     * Shields a coroutine: wraps it in a task and protects that task; see
     * {@link #shield(Awaitable)}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return the outer future
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Future<T> shield(Coroutine<T> coro) {
        return shield((Awaitable<T>) coro);
    }

    // =====================================================================================
    // timeouts
    // =====================================================================================

    /**
     * Opens a deadline scope that expires {@code delay} seconds from now; asyncio's
     * {@code asyncio.timeout(delay)}. Use it in try-with-resources; see {@link Timeout}.
     *
     * @param delay seconds, or {@code Double.POSITIVE_INFINITY} for no deadline (it can be
     *        set later with {@link Timeout#reschedule})
     * @return the entered scope
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException if called outside a task
     */
    public static Timeout timeout(double delay) {
        Seconds.checkSeconds(delay, "delay");
        Task<?> t = task("timeout()");
        double when = delay == Double.POSITIVE_INFINITY ? delay : t.loop.time() + delay;
        return new Timeout(t, when, "timeout of " + delay + " seconds expired", false);
    }

    /**
     * Opens a deadline scope that expires {@code delay} from now.
     * @param delay the delay; zero or negative expires the scope at the next iteration
     * @return the entered scope
     * @throws IllegalStateException if called outside a task
     */
    public static Timeout timeout(Duration delay) {
        return timeout(Seconds.nanos(delay) / 1e9);
    }

    /**
     * Opens a deadline scope that expires at loop time {@code when}; asyncio's
     * {@code asyncio.timeout_at(when)}.
     *
     * @param when a time on the loop's clock ({@link EventLoop#time()}), in seconds, or
     *        {@code Double.POSITIVE_INFINITY}
     * @return the entered scope
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException if called outside a task
     */
    public static Timeout timeoutAt(double when) {
        Task<?> t = task("timeoutAt()");
        return new Timeout(t, when, "deadline " + when + " passed", false);
    }

    /**
     * Runs {@code body} with a deadline {@code delay} seconds from now; the lambda form of
     * {@link #timeout(double)}, exactly asyncio's {@code async with timeout(delay)}: the body
     * is cancelled with a plain {@link CancelledError} (or interrupted in a blocking JDK call)
     * and the scope turns that into {@link TimeoutError} as it leaves. See {@link Timeout}.
     *
     * @param <T> the result type
     * @param delay seconds, or {@code Double.POSITIVE_INFINITY}
     * @param body the code to run; not {@code null}
     * @return what {@code body} returns
     * @throws TimeoutError if the deadline passed
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code body} raises
     */
    public static <T> T timeout(double delay, Coroutine<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        return timeout(delay, scope -> body.call());
    }

    /**
     * Runs {@code body} with a deadline {@code delay} seconds from now, giving it the scope
     * (to {@link Timeout#reschedule} it); the lambda form of {@link #timeout(double)}.
     *
     * @param <T> the result type
     * @param delay seconds, or {@code Double.POSITIVE_INFINITY}; zero or negative expires at
     *        the next suspension point
     * @param body the code to run; not {@code null}
     * @return what {@code body} returns
     * @throws TimeoutError if the deadline passed
     * @throws IllegalArgumentException if {@code delay} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code body} raises
     */
    public static <T> T timeout(double delay, Timeout.Body<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        Seconds.checkSeconds(delay, "delay");
        Task<?> t = task("timeout()");
        double when = delay == Double.POSITIVE_INFINITY ? delay : t.loop.time() + delay;
        return Timeout.run(t, when, "timeout of " + delay + " seconds expired", body);
    }

    /**
     * Runs {@code body} with a deadline at loop time {@code when}.
     *
     * @param <T> the result type
     * @param when a time on the loop's clock, in seconds
     * @param body the code to run; not {@code null}
     * @return what {@code body} returns
     * @throws TimeoutError if the deadline passed
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code body} raises
     */
    public static <T> T timeoutAt(double when, Coroutine<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        return timeoutAt(when, scope -> body.call());
    }

    /**
     * Runs {@code body} with a deadline at loop time {@code when}, giving it the scope; the
     * lambda form of {@link #timeoutAt(double)}.
     *
     * @param <T> the result type
     * @param when a time on the loop's clock, in seconds
     * @param body the code to run; not {@code null}
     * @return what {@code body} returns
     * @throws TimeoutError if the deadline passed
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException if called outside a task
     * @throws Exception whatever {@code body} raises
     */
    public static <T> T timeoutAt(double when, Timeout.Body<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        Task<?> t = task("timeoutAt()");
        return Timeout.run(t, when, "deadline " + when + " passed", body);
    }

    // =====================================================================================
    // Threads
    // =====================================================================================

    /**
     * Runs blocking {@code fn} on the loop's default executor (platform threads) in a copy
     * of the current context, and waits for it without blocking the loop; asyncio's
     * {@code to_thread()}.
     *
     * <h4>Cancellation</h4>
     * Cancelling the task stops {@code fn} from starting if it has not started; a running
     * call finishes in the background and its result is dropped.
     *
     * @param <T> the result type
     * @param fn the blocking call; not {@code null}
     * @return its result
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the task is cancelled
     * @throws Exception whatever {@code fn} throws, with its own stack trace
     */
    public static <T> T toThread(Callable<T> fn) throws Exception {
        Objects.requireNonNull(fn, "fn");
        Task<?> t = task("toThread()");
        Context ctx = Context.copyContext();
        return t.loop.runInExecutor(null, () -> ctx.run(fn)).await();
    }

    /**
     * Submits {@code coro} to {@code loop} from any thread and returns a
     * {@link CompletableFuture} for its result; asyncio's {@code run_coroutine_threadsafe()}.
     * Cancelling the CompletableFuture cancels the task. Thread-safe.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param loop a running (or soon running) loop
     * @return a future completed when the task is done
     * @throws IllegalStateException if the loop is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        Objects.requireNonNull(coro, "coro");
        BaseEventLoop l = (BaseEventLoop) Objects.requireNonNull(loop, "loop");
        Task<?>[] task = new Task<?>[1];
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r) {
                    try {
                        l.callSoonThreadsafe(() -> {
                            if (task[0] != null) {
                                task[0].cancelInternal(null);
                            }
                        });
                    } catch (IllegalStateException closed) {
                        // nothing left to cancel
                    }
                }
                return r;
            }
        };
        l.callSoonThreadsafe(() -> {
            if (cf.isCancelled()) {
                return;
            }
            try {
                Task<T> t = l.createTask(coro, null, null);
                task[0] = t;
                t.addInternalCallback(f -> Bridges.complete(f, cf));
                l.threadsafeCalls.add(cf, t);
            } catch (Throwable e) {
                // as asyncio: the caller's future fails, and the error is raised in the callback
                // too, so the loop's exception handler sees it
                cf.completeExceptionally(e);
                throw Throwables.<RuntimeException>sneaky(e);
            }
        });
        return cf;
    }

    /**
     * Wraps a {@link CompletionStage} (a {@link CompletableFuture}, say) in a future of the
     * running loop, completed on the loop thread when the stage completes; asyncio's
     * {@code wrap_future()}. Cancelling the returned future cancels the stage when it is a
     * CompletableFuture.
     *
     * @param <T> the result type
     * @param stage the stage; not {@code null}
     * @return a future of the running loop
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        return Bridges.wrap(loop("wrapFuture()"), stage);
    }

    /**
     * Waits for a {@link CompletionStage} without blocking the loop: the bridge from
     * {@code java.util.concurrent} to jasyncio.
     *
     * <h4>Cancellation</h4>
     * Cancelling the task cancels the stage when it is a CompletableFuture.
     *
     * @param <T> the result type
     * @param stage the stage; not {@code null}
     * @return its result
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the task is cancelled, or the stage was cancelled
     * @throws Exception the stage's exception, unwrapped from {@code CompletionException}
     */
    public static <T> T await(CompletionStage<T> stage) throws Exception {
        Objects.requireNonNull(stage, "stage");
        Task<?> t = task("await(CompletionStage)");
        if (stage instanceof CompletableFuture<T> cf && cf.isDone() && !cf.isCompletedExceptionally()) {
            return cf.getNow(null);
        }
        return Bridges.wrap(t.loop, stage).await();
    }
}
