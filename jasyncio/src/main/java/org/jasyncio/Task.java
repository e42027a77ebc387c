package org.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

import org.jasyncio.internal.LoomSupport;
import org.jasyncio.internal.diag.Jfr;

/**
 * A coroutine running concurrently on an event loop; asyncio's {@code asyncio.Task}.
 *
 * <p>Each task runs on its own virtual thread whose scheduler is the event loop: the loop
 * runs the task's steps one at a time on its single platform thread, so between two
 * suspension points a task is never interleaved with another task or callback of the
 * same loop. A task suspends when it awaits a pending future, sleeps, or blocks in a JDK
 * call that parks virtual threads ({@code Thread.sleep}, {@code java.util.concurrent}
 * locks and queues, blocking sockets); the loop runs other work meanwhile.
 *
 * <p>Create tasks with {@link Asyncio#createTask(Coroutine)} or
 * {@link EventLoop#createTask(Coroutine)}; the task's result is the coroutine's result.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} asks the task to stop: a {@link CancelledError} is thrown at its
 * current (or next) suspension point. If the task is waiting on a future, that future is
 * cancelled too. If it is parked in a blocking JDK call, its thread is interrupted, so
 * {@code Thread.sleep}, {@code lockInterruptibly} and {@code BlockingQueue.take} throw
 * {@code InterruptedException}; a task whose body then ends with that exception counts as
 * cancelled. A task may catch the {@code CancelledError} to clean up; if it suppresses it,
 * it should call {@link #uncancel()}. {@link #cancelling()} counts pending requests, as in
 * Python 3.11.
 *
 * <p>Loop-affine, like {@link Future}; {@link #getName()}, {@link #done()} and
 * {@link #toString()} may be called from any thread.
 *
 * @param <T> the coroutine's result type
 * @since 0.1
 */
public final class Task<T> extends Future<T> {

    private Coroutine<? extends T> coro;
    /** Plain field: a String read racily is still a whole String. */
    private String name;
    private final long number;
    /**
     * Unique in its loop, from 1, given the first time something asks ({@link #id()}): the id
     * call graphs, ps and JFR events show. 0 until then, so creating a task costs nothing for it.
     */
    private int id;
    /**
     * The task's current context once made ({@link #context()}; swapped by {@link Context#run}),
     * else the creator's context variables when the task was made (an {@code Object[]}, or null
     * for none): a copy costs nothing until used. One field for both keeps every task smaller.
     */
    private Object context;
    /** The task's virtual thread, created when its first step runs. */
    Thread thread;
    /** What the loop queues to run the task's next step (a Future itself is not queued). */
    final Stepper stepper = new Stepper(this);
    /** Links in the loop's list of tasks not yet suspended (strongly held). */
    Task<?> prevLive;
    Task<?> nextLive;

    /** The future this task waits on in {@link #awaitFuture}, or null. */
    private Future<?> waiter;
    /**
     * The loop's sampled clock when the task last parked on a future, in units of 2^20 ns (about
     * a millisecond; it wraps after 49 days, read as unsigned): ps's waiting time. An int, not a
     * long, as every task carries it.
     */
    int waitingSince;
    private boolean inAwait;
    /** A cancellation must be thrown at the next suspension point. */
    private boolean mustCancel;
    private String cancelMessage;
    private int numCancelsRequested;
    /**
     * Errors to throw instead of a CancelledError when the pending cancellation is delivered
     * (a try-with-resources Timeout's TimeoutError, a TaskGroup's ExceptionGroup), with their
     * ranks; null when there are none. One delivery answers every pending request, as in asyncio.
     */
    private ArrayList<Replacement> replacements;
    /** A plain cancel() is pending: it wins over any replacement. */
    private boolean plainCancelPending;
    /**
     * Nesting depth of the scopes (timeouts, task groups) the task is in; ranks replacements. A
     * short: nesting deeper than that would overflow the thread's stack first.
     */
    short scopeDepth;
    /**
     * Started by an eager factory or eagerStart and still in its first step: a coroutine done
     * then is let go (asyncio 3.13).
     */
    private boolean eagerFirstStep;
    /** Registration in the loop's task registry (weak). */
    LoopRef ref;
    /**
     * Not listed by allTasks() (and so not cancelled by Runner.close()): the producer of an
     * AsyncGenerator, which is no task in asyncio and is closed by its own shutdown hook.
     */
    boolean hidden;

    Task(BaseEventLoop loop, Coroutine<? extends T> coro, String name, Context context) {
        super(loop);
        this.coro = Objects.requireNonNull(coro, "coro");
        this.number = name == null ? ++loop.taskCounter : 0;
        loop.stats.tasksCreated++;
        this.name = name;
        this.context = context != null ? context : Context.currentEntries();
        if (loop.debug) {
            this.sourceTraceback = Debug.callerStack();
        }
        loop.tasks.linkLive(this);
        if (Jfr.on) {
            Diagnostics.taskCreated(this);
        }
    }

    /** Fills a weak registration with what a report about this task needs. */
    void describe(LoopRef r) {
        r.number = number;
        r.name = name;
        Coroutine<?> c = coro;
        if (c != null) {
            r.coroClass = c instanceof VoidAdapter v ? v.body().getClass() : c.getClass();
        }
        r.sourceTraceback = sourceTraceback;
        r.contextEntries = contextEntries();
    }

    // ---- public API ------------------------------------------------------------------

    /**
     * Returns the task's name; asyncio's {@code Task.get_name()}. Unnamed tasks are called
     * {@code Task-N}. Thread-safe.
     *
     * @return the name
     */
    public String getName() {
        String n = name;
        if (n == null) {
            n = "Task-" + number;
            name = n;
        }
        return n;
    }

    /**
     * Renames the task; asyncio's {@code Task.set_name()}.
     *
     * @param name the new name; not {@code null}
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        Thread th = thread;
        if (th != null) {
            th.setName(name);
        }
        LoopRef r = ref;
        if (r != null) {
            r.name = name;
        }
    }

    /**
     * Returns the coroutine the task runs; asyncio's {@code Task.get_coro()}.
     *
     * @return the coroutine; still answered once the task is done, as in asyncio, except
     *     {@code null} for an eagerly started task that finished in its first step (3.13)
     */
    public Coroutine<? extends T> getCoro() {
        return coro;
    }

    /**
     * Returns the context the task runs in; asyncio's {@code Task.get_context()}.
     *
     * @return the task's context
     */
    public Context getContext() {
        return context();
    }

    /** The task's context, made from the creator's snapshot on first use. */
    Context context() {
        Object c = context;
        if (c instanceof Context made) {
            return made;
        }
        Context made = new Context((Object[]) c);
        context = made;
        return made;
    }

    /** Makes {@code c} the task's current context ({@link Context#run}, async generators). */
    void setContext(Context c) {
        context = c;
    }

    /** The task's context variables, without making a Context object. */
    Object[] contextEntries() {
        Object c = context;
        return c instanceof Context made ? made.entries : (Object[]) c;
    }

    /**
     * Returns the task's current stack: where it is suspended, or where it runs when
     * called from the task itself; asyncio's {@code Task.get_stack()}, innermost frame
     * first. jasyncio's and the JDK's scheduling frames are left out.
     *
     * @return the frames; empty when the task has not started or is done
     */
    public StackTraceElement[] getStack() {
        if (thread == null || done()) {
            return new StackTraceElement[0];
        }
        return Debug.trimInternal(thread.getStackTrace());
    }

    /**
     * Requests cancellation; asyncio's {@code Task.cancel()}.
     *
     * @return {@code false} if the task is already done, else {@code true}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    @Override
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Requests cancellation with a message that the {@link CancelledError} will carry;
     * asyncio's {@code Task.cancel(msg)}. See the class documentation.
     *
     * @param msg the message, or {@code null}
     * @return {@code false} if the task is already done, else {@code true}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    @Override
    public boolean cancel(String msg) {
        loop.checkThread("Task.cancel()");
        return requestCancel(msg);
    }

    @Override
    boolean cancelInternal(String msg) {
        return requestCancel(msg);
    }

    /**
     * Always throws: a task's result is its coroutine's; asyncio's {@code Task.set_result()}
     * raises {@code RuntimeError}.
     *
     * @param value ignored
     * @throws IllegalStateException always
     */
    @Override
    public void setResult(T value) {
        throw new IllegalStateException("Task does not support setResult(): " + this);
    }

    /**
     * Always throws, as asyncio's {@code Task.set_exception()}.
     *
     * @param exception ignored
     * @throws IllegalStateException always
     */
    @Override
    public void setException(Throwable exception) {
        throw new IllegalStateException("Task does not support setException(): " + this);
    }

    /**
     * Always throws, like {@link #setResult}.
     *
     * @param value ignored
     * @return never
     * @throws IllegalStateException always
     */
    @Override
    public boolean trySetResult(T value) {
        throw new IllegalStateException("Task does not support trySetResult(): " + this);
    }

    /**
     * Always throws, like {@link #setException}.
     *
     * @param exception ignored
     * @return never
     * @throws IllegalStateException always
     */
    @Override
    public boolean trySetException(Throwable exception) {
        throw new IllegalStateException("Task does not support trySetException(): " + this);
    }

    /**
     * Returns the number of cancellation requests not yet withdrawn by {@link #uncancel()};
     * asyncio's {@code Task.cancelling()} (3.11).
     *
     * @return the number of pending cancellation requests
     */
    public int cancelling() {
        return numCancelsRequested;
    }

    /**
     * Withdraws one cancellation request; asyncio's {@code Task.uncancel()}. When the count
     * reaches zero, a cancellation not yet delivered is dropped (Python 3.13).
     *
     * @return the number of requests left
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public int uncancel() {
        loop.checkThread("Task.uncancel()");
        if (numCancelsRequested > 0) {
            numCancelsRequested--;
            if (numCancelsRequested == 0) {
                mustCancel = false;
                clearRequests();
            }
        }
        return numCancelsRequested;
    }

    @Override
    public String toString() {
        return Debug.reprOnce(this, () -> "<Task " + String.join(" ", reprInfo()) + ">");
    }

    /** asyncio's _task_repr_info, plus where the task is suspended (or running). */
    @Override
    List<String> reprInfo() {
        List<String> info = super.reprInfo();
        if (numCancelsRequested > 0 && !done()) {
            info.set(0, "cancelling");
        }
        info.add(1, "name='" + getName() + "'");
        int at = 2;
        Coroutine<?> c = coro;
        if (c != null) {
            info.add(at++, "coro=<" + Debug.describe(c) + ">");
        }
        if (!done() && thread != null) {
            StackTraceElement[] st = getStack();
            if (st.length > 0) {
                info.add(at++, (loop.current == this ? "running at " : "waiting at ") + st[0]);
            }
        }
        Future<?> w = waiter;
        if (w != null) {
            info.add(at, "wait_for=" + w);
        }
        return info;
    }

    /** The future the task is parked on, or null. */
    Future<?> waiter() {
        return waiter;
    }

    /** The task's id in its loop (see {@link #id}); loop thread only. */
    long id() {
        int i = id;
        if (i == 0) {
            i = ++loop.stats.lastId;
            if (i == 0) {
                i = ++loop.stats.lastId; // wrapped around: 0 means "not given yet"
            }
            id = i;
        }
        return Integer.toUnsignedLong(i);
    }

    // ---- internals: cancellation -------------------------------------------------------

    /** Requests a plain cancellation: a CancelledError, whatever replacements are pending. */
    boolean requestCancel(String msg) {
        return requestCancel(msg, null, 0);
    }

    /**
     * Requests cancellation that is delivered as {@code replacement} instead of a
     * CancelledError, unless a plain cancel() is pending too or a replacement of higher
     * {@code rank} is. Used by the try-with-resources forms of Timeout and TaskGroup, which
     * cannot see the exception leaving their block and so hand the task the error to raise.
     */
    boolean requestCancel(String msg, Error replacement, int rank) {
        markRetrieved();
        if (done()) {
            return false;
        }
        numCancelsRequested++;
        if (replacement == null) {
            plainCancelPending = true;
        } else {
            if (replacements == null) {
                replacements = new ArrayList<>(2);
            }
            replacements.add(new Replacement(replacement, rank));
        }
        Future<?> w = waiter;
        if (w != null && w.cancelInternal(msg)) {
            // The wake-up carries the cancellation; leave the waiter set, as asyncio does.
            return true;
        }
        mustCancel = true;
        cancelMessage = msg;
        interruptIfBlocked();
        return true;
    }

    /** Withdraws a replacement whose scope has ended; its request is withdrawn by uncancel(). */
    void withdrawReplacement(Error replacement) {
        ArrayList<Replacement> rs = replacements;
        if (rs != null) {
            rs.removeIf(r -> r.error == replacement);
        }
    }

    /** The error a delivery throws now instead of a CancelledError, or null. */
    private Error chosenReplacement() {
        ArrayList<Replacement> rs = replacements;
        if (plainCancelPending || rs == null || rs.isEmpty()) {
            return null;
        }
        Replacement best = rs.get(0);
        for (Replacement r : rs) {
            if (r.rank > best.rank) {
                best = r;
            }
        }
        return best.error;
    }

    private void clearRequests() {
        replacements = null;
        plainCancelPending = false;
    }

    private record Replacement(Error error, int rank) {}

    /** A task parked in a blocking JDK call is interrupted so that the call ends. */
    private void interruptIfBlocked() {
        if (blockedInJdkCall()) {
            thread.interrupt();
        }
    }

    /** Parked in a blocking JDK call rather than awaiting a future: the JDK will wake it, not the loop. */
    boolean blockedInJdkCall() {
        Thread th = thread;
        if (th == null || inAwait || loop.current == this || done()) {
            return false;
        }
        Thread.State s = th.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** Throws the pending cancellation. */
    private void deliverCancellation(CancelledError cause) {
        mustCancel = false;
        Error r = chosenReplacement();
        clearRequests();
        Thread.interrupted();
        if (r != null) {
            throwReplacement(r, cause);
        }
        throw new CancelledError(cancelMessage, cause);
    }

    private static void throwReplacement(Error r, CancelledError cause) {
        if (r instanceof ExceptionGroup g) {
            g.deliveredToBody = true;
        }
        if (cause != null && r.getCause() == null) {
            try {
                r.initCause(cause);
            } catch (IllegalStateException | IllegalArgumentException ignored) {
                // the error was made with its cause (or without one, on purpose)
            }
        }
        throw r;
    }

    // ---- internals: suspension ------------------------------------------------------

    /** Suspends this (the current) task until {@code fut} is done. */
    void awaitFuture(Future<?> fut) {
        if (fut.loop != loop) {
            throw new IllegalStateException("Task " + getName() + " got Future " + fut
                    + " attached to a different loop (to wait for another loop's future, use"
                    + " org.jasyncio.group.CrossLoop.await)");
        }
        if (fut == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        // asyncio's __step: a pending cancellation goes to the future the task now awaits;
        // if that future refuses it, it is thrown at the task once the future is done.
        if (mustCancel && fut.cancelInternal(cancelMessage)) {
            mustCancel = false;
        }
        waiter = fut;
        waitingSince = (int) (loop.stats.clock >>> 20);
        inAwait = true;
        try {
            if (fut.state != PENDING) {
                // Done by the cancellation just now: resume in the next iteration, after the
                // future's callbacks, as asyncio's wake-up is one of them.
                Thread.yield();
            } else {
                fut.addWaiter(this);
                do {
                    LockSupport.park(fut);
                    // An interrupt is not how jasyncio cancels a task waiting on a future.
                    Thread.interrupted();
                } while (fut.state == PENDING);
            }
        } finally {
            inAwait = false;
            waiter = null;
        }
        if (mustCancel) {
            deliverCancellation(fut.state == CANCELLED ? fut.makeCancelledError() : null);
        }
        Error r = chosenReplacement();
        clearRequests();
        if (r != null && fut.state == CANCELLED) {
            throwReplacement(r, fut.makeCancelledError());
        }
        // Otherwise a cancellation that went to the waiter is consumed: the waiter's own
        // outcome (its CancelledError, or the result it produced anyway) is what we report.
    }

    /** Lets every other ready task and callback run once; asyncio's {@code sleep(0)}. */
    void yieldNow() {
        Thread.yield();
        if (mustCancel) {
            deliverCancellation(null);
        }
    }

    /** Called when the awaited future is done: queue this task's continuation. */
    void wakeUp() {
        LockSupport.unpark(thread);
    }

    // ---- internals: running ---------------------------------------------------------

    void start(boolean eager) {
        eagerFirstStep = eager;
        if (eager) {
            loop.startEagerly(this);
        } else {
            loop.scheduleNew(this);
        }
    }


    /** Runs one step: the thread's continuation, until it parks, yields or ends. */
    void step() {
        BaseEventLoop l = loop;
        Stepper s = stepper;
        if (thread == null) {
            if (state != PENDING) {
                return; // done, and its thread already let go (see below)
            }
            // First step: the virtual thread is made only now, so that tasks waiting to
            // start cost a Task object, not a thread.
            try {
                // Named as the task, so that thread dumps and debuggers show which task is which.
                // A generated "Task-N" is only made in debug mode: building that string for
                // every task would cost spawn about a tenth of its time.
                thread = LoomSupport.newThread(s, name != null || !l.debug ? name : getName(), s);
                thread.start(); // hands us the continuation (Stepper.execute) without queueing it
            } catch (Throwable t) {
                // No thread for the task (out of memory): it fails, so its awaiters wake.
                thread = null;
                LoopFaults.stepFailed(this, t);
                return;
            }
        }
        l.current = this;
        try {
            s.cont.run();
        } catch (Throwable t) {
            // The virtual thread's own failure path failed (its uncaught-exception handler
            // ran out of memory): the error surfaced here, on the loop thread.
            LoopFaults.stepFailed(this, t);
        } finally {
            l.current = null;
            eagerFirstStep = false;
        }
        if (state != PENDING) {
            // The body ended and so did its thread: let go of the thread, its continuation and
            // stack, so that a finished task someone still holds (a gather's children, a result
            // not read yet) costs the Task alone. Fewer live bytes for the collector to copy.
            thread = null;
            s.cont = null;
            return;
        }
        if (ref == null) {
            // Suspended for the first time: from now on only what it waits for keeps it
            // alive, so the loop holds it weakly and reports it if it is collected.
            l.tasks.registerSuspended(this);
        }
    }

    /** The task's body, on its virtual thread. */
    private void body() {
        Object value = null;
        Throwable failure = null;
        if (mustCancel) {
            mustCancel = false;
            failure = new CancelledError(cancelMessage);
        } else {
            try {
                value = coro.call();
            } catch (Throwable t) {
                failure = t;
            }
        }
        try {
            finish(value, failure);
        } catch (Throwable t) {
            // Completing failed (out of memory while waking the waiters): nothing may leave
            // the virtual thread, whose uncaught-exception path would allocate once more.
            LoopFaults.finishFailed(this, failure, t);
        }
    }

    private void finish(Object value, Throwable failure) {
        Thread.interrupted();
        try {
            complete(value, failure);
        } finally {
            if (eagerFirstStep) {
                coro = null; // asyncio 3.13 (gh-122332): an eager task done at once holds no coroutine
            }
            loop.tasks.taskFinished(this);
            if (Jfr.on) {
                Diagnostics.taskFinished(this);
            }
        }
    }

    private void complete(Object value, Throwable failure) {
        if (failure == null) {
            if (mustCancel) {
                mustCancel = false;
                cancel0(cancelMessage, null);
            } else {
                setResult0(value);
            }
        } else if (Throwables.isCancellation(failure)) {
            CancelledError ce = (CancelledError) failure;
            cancel0(ce.getMessage(), ce);
        } else if (failure instanceof InterruptedException && numCancelsRequested > 0) {
            cancel0(cancelMessage, new CancelledError(cancelMessage, failure));
        } else {
            setException0(failure);
            if (failure instanceof KeyboardInterrupt) {
                markRetrieved(); // it leaves the loop: nobody needs to retrieve it
                loop.raiseOutOfLoop(failure);
            }
        }
    }

    // ---- the current task -----------------------------------------------------------

    /** Returns the task running on the calling thread, or null. */
    static Task<?> current() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return null;
        }
        for (BaseEventLoop l : RunningLoops.all()) {
            Task<?> c = l.current;
            if (c != null && c.thread == t) {
                return c;
            }
        }
        return null;
    }

    static IllegalStateException outsideTask(String what) {
        Thread t = Thread.currentThread();
        String where = RunningLoops.onThisThread() != null
                ? "in an event loop callback" : "on thread " + t.getName() + " which runs no task";
        return new IllegalStateException(what + " can only be called inside a task, but was called " + where
                + "; run the code in a task (Asyncio.run, createTask) or, from another thread, use"
                + " Asyncio.runCoroutineThreadsafe");
    }

    /** The virtual thread's scheduler (one per task, so the loop knows whose step it runs) and body. */
    static final class Stepper extends ReadyItem implements Executor, Runnable {
        final Task<?> task;
        Runnable cont;

        Stepper(Task<?> task) {
            this.task = task;
        }

        @Override
        public void execute(Runnable continuation) {
            if (cont == null) {
                cont = continuation; // Thread.start() in step(): it runs at once
                return;
            }
            task.loop.scheduleTask(task);
        }

        @Override
        public void run() {
            task.body();
        }

        @Override
        void runReady() {
            task.step();
        }

        @Override
        public String toString() {
            return "<step of " + task + ">";
        }
    }
}
