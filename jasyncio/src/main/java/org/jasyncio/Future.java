package org.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.jasyncio.internal.Faults;

/**
 * The eventual result of an operation, bound to one event loop; asyncio's
 * {@code asyncio.Future}.
 *
 * <p>A future is <em>pending</em> until it is given a result ({@link #setResult}), an
 * exception ({@link #setException}) or is {@linkplain #cancel() cancelled}; then it is
 * <em>done</em> for good. A task waits for it with {@link #await()}. Callbacks added with
 * {@link #addDoneCallback} are scheduled on the loop with {@code callSoon} when it is done,
 * never run inline.
 *
 * <p>Create one with {@link EventLoop#createFuture()}. An exception set on a future and
 * never retrieved (by {@code result}, {@code exception} or {@code await}) is reported to
 * the loop's exception handler when the future is garbage-collected, as asyncio logs
 * "Future exception was never retrieved".
 *
 * <p>Loop-affine: call the methods that change or wait on a future only from its loop's
 * thread (a task or a callback of that loop); from other threads go through
 * {@link EventLoop#callSoonThreadsafe}, or use {@link #toCompletableFuture()}. A call from
 * another thread while the loop runs throws {@link IllegalStateException}. The read-only
 * methods ({@link #done()}, {@link #cancelled()}) may be called from any thread but may
 * see a stale state.
 *
 * @param <T> the result type
 * @since 0.1
 */
public sealed class Future<T> implements Awaitable<T> permits Task, GatheringFuture {
    static final byte PENDING = 0;
    static final byte CANCELLED = 1;
    static final byte FINISHED = 2;

    final BaseEventLoop loop;
    /** Read as volatile (done() is thread-safe); written with release semantics, no full fence. */
    volatile byte state;
    private static final java.lang.invoke.VarHandle STATE;

    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Future.class, "state", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private Object result;
    private Throwable exception;
    private String cancelMessage;
    private CancelledError cancelledCause;
    /** null, a single callback entry, or an ArrayList of them. */
    private Object callbacks;
    /** Set while an exception is stored and not yet retrieved. */
    LoopRef unretrieved;
    /**
     * Who waits on this future other than the tasks parked on it (those are its callback
     * entries): the task that called gather, shield or a task group's createTask; asyncio
     * 3.14's {@code _asyncio_awaited_by}. null, one Future, or an ArrayList; loop thread only.
     */
    Object awaitedBy;
    StackTraceElement[] sourceTraceback;

    /**
     * Creates a pending future bound to {@code loop}; asyncio's {@code Future(loop=loop)}, the
     * same as {@link EventLoop#createFuture()}. May be called from any thread; the future is
     * then used on the loop's thread.
     *
     * @param loop the loop; a jasyncio loop made by {@link Asyncio#newEventLoop()}
     * @throws NullPointerException if {@code loop} is {@code null}
     * @throws IllegalArgumentException if {@code loop} is not a jasyncio loop
     */
    public Future(EventLoop loop) {
        this(asBase(loop));
    }

    private static BaseEventLoop asBase(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (loop instanceof BaseEventLoop b) {
            return b;
        }
        throw new IllegalArgumentException("not a jasyncio event loop: " + loop);
    }

    Future(BaseEventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
        if (loop.debug && !(this instanceof Task)) {
            this.sourceTraceback = Debug.callerStack();
        }
    }

    /**
     * Returns the loop this future is bound to; asyncio's {@code get_loop()}.
     *
     * @return the loop
     */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Tells whether the future is done: it has a result or an exception, or was cancelled.
     * Thread-safe.
     *
     * @return {@code true} if done
     */
    public final boolean done() {
        return state != PENDING;
    }

    /**
     * Tells whether the future was cancelled. Thread-safe.
     *
     * @return {@code true} if cancelled
     */
    public final boolean cancelled() {
        return state == CANCELLED;
    }

    /**
     * Returns the result; asyncio's {@code Future.result()}. Marks an exception as
     * retrieved.
     *
     * @return the result
     * @throws CancelledError if the future was cancelled
     * @throws InvalidStateError if the future is not done yet
     * @throws Exception the exception set on the future, as it was set
     */
    public T result() throws Exception {
        byte s = state;
        if (s == PENDING) {
            throw new InvalidStateError("Result is not ready: " + this);
        }
        return report(s);
    }

    /**
     * Returns the exception set on the future; asyncio's {@code Future.exception()}.
     * Marks it as retrieved.
     *
     * @return the exception, or {@code null} if the future has a result
     * @throws CancelledError if the future was cancelled
     * @throws InvalidStateError if the future is not done yet
     */
    public Throwable exception() {
        byte s = state;
        if (s == PENDING) {
            throw new InvalidStateError("Exception is not set: " + this);
        }
        if (s == CANCELLED) {
            throw makeCancelledError();
        }
        markRetrieved();
        return exception;
    }

    /**
     * Waits until the future is done and returns its result; asyncio's
     * {@code await future}. If the future is already done this returns at once, without
     * letting other tasks run.
     *
     * <h4>Cancellation</h4>
     * If the calling task is cancelled while waiting, this future is cancelled too (as in
     * asyncio; wrap it in {@link Asyncio#shield} to prevent that) and
     * {@link CancelledError} is thrown.
     *
     * @return the result
     * @throws CancelledError if the calling task is cancelled, or the future was cancelled
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     * @throws Exception the exception set on the future
     */
    @Override
    public T await() throws Exception {
        if (state == PENDING) {
            Task<?> t = Task.current();
            if (t == null) {
                throw Task.outsideTask("Future.await()");
            }
            t.awaitFuture(this);
        }
        return report(state);
    }

    /**
     * Waits for the future without returning its result or throwing its exception; a
     * cancelled future (the caller's cancellation travels through it) raises
     * CancelledError. Used by the combinators on their private waiter futures.
     */
    final void awaitDone() {
        if (state == PENDING) {
            Task<?> t = Task.current();
            if (t == null) {
                throw Task.outsideTask("await");
            }
            t.awaitFuture(this);
        }
        if (state == CANCELLED) {
            throw makeCancelledError();
        }
    }

    @SuppressWarnings("unchecked")
    private T report(byte s) throws Exception {
        if (s == FINISHED) {
            Throwable e = exception;
            if (e == null) {
                return (T) result;
            }
            markRetrieved();
            throw Throwables.asException(e);
        }
        throw makeCancelledError();
    }

    /** The raw result of a successful future, without any checks. */
    @SuppressWarnings("unchecked")
    final T rawResult() {
        return (T) result;
    }

    /** The exception of a finished future, without marking it retrieved. */
    final Throwable peekException() {
        return exception;
    }

    /** The raw exception of a finished future, marking it retrieved. */
    final Throwable rawException() {
        markRetrieved();
        return exception;
    }

    final void markRetrieved() {
        LoopRef r = unretrieved;
        if (r != null) {
            unretrieved = null;
            loop.tasks.forget(r);
        }
    }

    /**
     * The CancelledError to raise for a cancelled future, as asyncio's _make_cancelled_error:
     * the first time, the error that cancelled it (a task's own CancelledError, re-raised as
     * the same instance, so chains do not grow with every await); then a fresh one carrying
     * the cancel message.
     */
    final CancelledError makeCancelledError() {
        CancelledError stored = cancelledCause;
        if (stored != null) {
            cancelledCause = null;
            // Python appends the re-raise to the traceback; Java's is fixed, so record it.
            stored.addSuppressed(new RaisedAgain());
            return stored;
        }
        return new CancelledError(cancelMessage);
    }

    /**
     * Cancels the future and schedules its callbacks; asyncio's {@code Future.cancel()}.
     *
     * @return {@code false} if the future was already done, else {@code true}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future with a message that the {@link CancelledError} will carry;
     * asyncio's {@code Future.cancel(msg)}.
     *
     * @param msg the message, or {@code null}
     * @return {@code false} if the future was already done, else {@code true}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public boolean cancel(String msg) {
        loop.checkThread("Future.cancel()");
        return cancelInternal(msg);
    }

    /** Requests cancellation without the thread check; tasks and gather futures refine it. */
    boolean cancelInternal(String msg) {
        return cancel0(msg, null);
    }

    boolean cancel0(String msg, CancelledError cause) {
        markRetrieved();
        if (state != PENDING) {
            return false;
        }
        cancelMessage = msg;
        cancelledCause = cause;
        STATE.setRelease(this, CANCELLED);
        scheduleCallbacks();
        return true;
    }

    /**
     * Gives the future its result and schedules its callbacks; asyncio's
     * {@code Future.set_result()}.
     *
     * @param value the result; may be {@code null}
     * @throws InvalidStateError if the future is already done
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void setResult(T value) {
        loop.checkThread("Future.setResult()");
        if (state != PENDING) {
            throw new InvalidStateError("invalid state: " + this);
        }
        setResult0(value);
    }

    /**
     * Gives the future its result unless it is already done; Netty's {@code trySuccess}.
     *
     * @param value the result; may be {@code null}
     * @return {@code true} if this call completed the future
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public boolean trySetResult(T value) {
        loop.checkThread("Future.trySetResult()");
        if (state != PENDING) {
            return false;
        }
        setResult0(value);
        return true;
    }

    final void setResult0(Object value) {
        result = value;
        STATE.setRelease(this, FINISHED);
        scheduleCallbacks();
    }

    /**
     * Fails the future and schedules its callbacks; asyncio's
     * {@code Future.set_exception()}.
     *
     * @param exception the failure; not {@code null}
     * @throws InvalidStateError if the future is already done
     * @throws NullPointerException if {@code exception} is {@code null}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        loop.checkThread("Future.setException()");
        if (state != PENDING) {
            throw new InvalidStateError("invalid state: " + this);
        }
        setException0(exception);
    }

    /**
     * Fails the future unless it is already done; Netty's {@code tryFailure}.
     *
     * @param exception the failure; not {@code null}
     * @return {@code true} if this call completed the future
     * @throws NullPointerException if {@code exception} is {@code null}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public boolean trySetException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        loop.checkThread("Future.trySetException()");
        if (state != PENDING) {
            return false;
        }
        setException0(exception);
        return true;
    }

    final void setException0(Throwable e) {
        exception = e;
        STATE.setRelease(this, FINISHED);
        try {
            unretrieved = loop.tasks.trackUnretrieved(this, e);
        } finally {
            // the waiters are woken even when tracking failed (out of memory): a done
            // future whose waiters sleep on would hang them for good
            scheduleCallbacks();
        }
    }

    /**
     * Adds a callback to run, on the loop thread, when the future is done; asyncio's
     * {@code Future.add_done_callback()}. If the future is already done the callback is
     * scheduled at once. It runs in a copy of the current context.
     *
     * @param callback receives this future; not {@code null}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        addDoneCallback(callback, null);
    }

    /**
     * Adds a callback to run in {@code context} when the future is done.
     *
     * @param callback receives this future; not {@code null}
     * @param context the context to run it in, or {@code null} for a copy of the current one
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void addDoneCallback(Consumer<? super Future<T>> callback, Context context) {
        Objects.requireNonNull(callback, "callback");
        loop.checkThread("Future.addDoneCallback()");
        Callback<T> cb = new Callback<>(callback, context != null ? context : Context.current().copy());
        if (state != PENDING) {
            runCallback(cb);
        } else {
            addEntry(cb);
        }
    }

    /** Adds a callback without capturing a context (internal use). */
    final void addInternalCallback(Consumer<? super Future<T>> callback) {
        Callback<T> cb = new Callback<>(callback, null);
        if (state != PENDING) {
            runCallback(cb);
        } else {
            addEntry(cb);
        }
    }

    /**
     * Removes every registration of {@code callback}; asyncio's
     * {@code Future.remove_done_callback()}.
     *
     * @param callback the callback given to {@link #addDoneCallback}
     * @return how many registrations were removed
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
        loop.checkThread("Future.removeDoneCallback()");
        return removeEntries(e -> e instanceof Callback<?> c && c.fn.equals(callback));
    }

    final void removeWaiter(Task<?> task) {
        removeEntries(e -> e == task);
    }

    /** Removes an internal callback, without the thread check. */
    final void removeEntriesFor(Consumer<?> callback) {
        removeEntries(e -> e instanceof Callback<?> c && c.fn == callback);
    }

    private int removeEntries(java.util.function.Predicate<Object> match) {
        Object cbs = callbacks;
        if (cbs == null) {
            return 0;
        }
        if (cbs instanceof ArrayList<?> list) {
            // As asyncio: filter a snapshot, so a callback whose equals() changes the list
            // meanwhile cannot break the scan; a removal then replaces the list.
            Object[] snapshot = list.toArray();
            ArrayList<Object> kept = new ArrayList<>(snapshot.length);
            for (Object e : snapshot) {
                if (!match.test(e)) {
                    kept.add(e);
                }
            }
            int removed = snapshot.length - kept.size();
            if (removed > 0) {
                callbacks = kept.isEmpty() ? null : kept;
            }
            return removed;
        }
        if (match.test(cbs)) {
            callbacks = null;
            return 1;
        }
        return 0;
    }

    /** Adds the tasks parked on this future (they await it directly) to {@code out}. */
    final void collectWaiters(List<Future<?>> out) {
        Object cbs = callbacks;
        if (cbs instanceof ArrayList<?> list) {
            for (Object e : list) {
                if (e instanceof Task<?> t) {
                    out.add(t);
                }
            }
        } else if (cbs instanceof Task<?> t) {
            out.add(t);
        }
    }

    /** Registers a task to be woken (not via callSoon: the wake-up itself is queued). */
    final void addWaiter(Task<?> task) {
        addEntry(task);
    }

    @SuppressWarnings("unchecked")
    private void addEntry(Object e) {
        Object cbs = callbacks;
        if (cbs == null) {
            callbacks = e;
        } else if (cbs instanceof ArrayList<?> list) {
            ((ArrayList<Object>) list).add(e);
        } else {
            ArrayList<Object> list = new ArrayList<>(4);
            list.add(cbs);
            list.add(e);
            callbacks = list;
        }
    }

    private void scheduleCallbacks() {
        Object cbs = callbacks;
        if (cbs == null) {
            return;
        }
        callbacks = null;
        if (cbs instanceof ArrayList<?> list) {
            // One entry that cannot be dispatched (out of memory) must not leave the others
            // asleep: dispatch every one, then throw the first failure.
            Throwable failed = null;
            for (int i = 0, n = list.size(); i < n; i++) {
                try {
                    dispatch(list.get(i));
                } catch (Throwable t) {
                    if (failed == null) {
                        failed = t;
                    }
                }
            }
            if (failed != null) {
                throw Throwables.<RuntimeException>sneaky(failed);
            }
        } else {
            dispatch(cbs);
        }
    }

    private void dispatch(Object e) {
        if (e instanceof Task<?> t) {
            t.wakeUp();
        } else {
            runCallback((Callback<?>) e);
        }
    }

    /** Queues a done-callback on the loop, as asyncio's call_soon: never run inline. */
    private void runCallback(Callback<?> cb) {
        cb.future = this;
        loop.callSoon0(cb);
    }

    /**
     * Returns a {@link CompletableFuture} that completes like this future, for threads
     * outside the loop; cancelling it cancels this future (through
     * {@code callSoonThreadsafe}). Python's {@code asyncio.wrap_future} in the other
     * direction.
     *
     * @return a new CompletableFuture
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r && !Future.this.done() && !loop.isClosed()) {
                    try {
                        loop.callSoonThreadsafe(() -> Future.this.cancelInternal(null));
                    } catch (IllegalStateException closed) {
                        // the loop closed meanwhile: nothing left to cancel
                    }
                }
                return r;
            }
        };
        addInternalCallback(f -> Bridges.complete(f, cf));
        return cf;
    }

    /**
     * asyncio's _future_repr_info: the state, then the result or exception, the callbacks and
     * where it was made; Task inserts its own parts.
     */
    List<String> reprInfo() {
        List<String> info = new ArrayList<>(6);
        byte s = state;
        info.add(s == PENDING ? "pending" : s == CANCELLED ? "cancelled" : "finished");
        if (s == FINISHED) {
            info.add(exception != null ? "exception=" + exception : "result=" + Debug.repr(result));
        }
        String cb = callbacksRepr();
        if (cb != null) {
            info.add(cb);
        }
        if (sourceTraceback != null && sourceTraceback.length > 0) {
            info.add("created at " + sourceTraceback[0]);
        }
        return info;
    }

    /** asyncio's _format_callbacks: one or two by name, more as "first, <n more>, last". */
    private String callbacksRepr() {
        Object cbs = callbacks;
        if (cbs == null) {
            return null;
        }
        if (!(cbs instanceof ArrayList<?> list)) {
            return "cb=[" + entryName(cbs) + "]";
        }
        int n = list.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return "cb=[" + entryName(list.get(0)) + "]";
        }
        if (n == 2) {
            return "cb=[" + entryName(list.get(0)) + ", " + entryName(list.get(1)) + "]";
        }
        return "cb=[" + entryName(list.get(0)) + ", <" + (n - 2) + " more>, " + entryName(list.get(n - 1)) + "]";
    }

    private static String entryName(Object e) {
        if (e instanceof Task<?> t) {
            return "Task.wakeup(" + t.getName() + ")";
        }
        return Debug.describe(((Callback<?>) e).fn);
    }

    @Override
    public String toString() {
        return Debug.reprOnce(this, () -> "<Future " + String.join(" ", reprInfo()) + ">");
    }

    /** Where a CancelledError was raised again (attached as suppressed): "await" sites. */
    private static final class RaisedAgain extends Throwable {
        private static final long serialVersionUID = 1L;

        RaisedAgain() {
            super("raised again here", null, false, true);
        }
    }

    /**
     * A done-callback: queued on the ready queue itself when the future completes (no Handle
     * is made for it), then run in its context with failures reported to the exception handler.
     */
    private static final class Callback<T> extends ReadyItem {
        final Consumer<? super Future<T>> fn;
        final Context context;
        Future<?> future;

        Callback(Consumer<? super Future<T>> fn, Context context) {
            this.fn = fn;
            this.context = context;
        }

        @Override
        @SuppressWarnings("unchecked")
        void runReady() {
            Future<T> f = (Future<T>) future;
            BaseEventLoop l = f.loop;
            Context previous = l.handleContext;
            if (context != null) {
                l.handleContext = context;
            }
            try {
                fn.accept(f);
            } catch (Throwable t) {
                if (l.raiseOutOfLoop(t)) {
                    return;
                }
                try {
                    l.callExceptionHandler(ExceptionContext.builder("Exception in callback " + Debug.describe(fn))
                            .exception(t).future(f).build());
                } catch (Throwable t2) {
                    // building the report failed too (out of memory, out of file descriptors)
                    Faults.unreported(t, t2);
                }
            } finally {
                l.handleContext = previous;
            }
        }

        @Override
        public String toString() {
            return "<Handle " + Debug.describe(fn) + ">";
        }
    }
}
