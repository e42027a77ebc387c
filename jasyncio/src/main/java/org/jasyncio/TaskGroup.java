package org.jasyncio;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Structured concurrency: a scope whose child tasks all finish before the scope is left;
 * asyncio's {@code asyncio.TaskGroup} (3.11).
 *
 * <p>Two forms. The lambda form, {@link #run(Body)}, is exactly asyncio's
 * {@code async with TaskGroup() as tg:}
 * <pre>{@code
 * List<Task<String>> pages = TaskGroup.run(tg -> List.of(
 *         tg.createTask(() -> fetch("a")),
 *         tg.createTask(() -> fetch("b"))));
 * // here both tasks are done: pages.get(0).result()
 * }</pre>
 * The try-with-resources form ends its body with {@link #join()}, as
 * {@code StructuredTaskScope} does:
 * <pre>{@code
 * try (var tg = new TaskGroup()) {
 *     Task<String> a = tg.createTask(() -> fetch("a"));
 *     Task<String> b = tg.createTask(() -> fetch("b"));
 *     tg.join();          // waits for a and b; raises the ExceptionGroup if any failed
 * }
 * }</pre>
 *
 * <p>Rules, as in asyncio:
 * <ul>
 * <li>Leaving waits for every child.</li>
 * <li>The first child that fails cancels its siblings and the body. In {@code run()} the body
 *     gets a plain {@link CancelledError} at its current suspension point, and {@code run()}
 *     raises the {@link ExceptionGroup} once every child is done. In the try-with-resources
 *     form the body gets the {@code ExceptionGroup} itself (an {@code ExceptionGroup} is a
 *     {@code CancelledError}, so the body's {@code catch (CancelledError e)} clean-up runs), and
 *     it leaves the block holding every child failure.</li>
 * <li>A child that is cancelled is not a failure; a {@link KeyboardInterrupt} in a child is
 *     raised as itself.</li>
 * <li>An exception raised by the body of {@code run()} cancels the children and joins the
 *     group's failures; a cancellation of the body from outside cancels the children, is
 *     waited out, and goes on (an outside {@code cancel()} that coincides with a child failure
 *     is re-armed after the group raises, as in Python 3.12).</li>
 * <li>{@link #createTask} after the group started shutting down, or after it finished, is
 *     an error.</li>
 * </ul>
 *
 * <p><b>What try-with-resources cannot tell the group.</b> {@code close()} is not told whether
 * the block is left by an exception. So {@link #close()} reached without {@link #join()}
 * means the body failed: the children are cancelled and waited for, and their failures (or,
 * when there was none and no cancellation is under way, an {@code IllegalStateException}
 * saying {@code join()} was not called) are thrown from {@code close()}, which Java attaches
 * to the body's exception as suppressed. The body's own exception leaves as itself, not
 * inside an {@code ExceptionGroup}. Use {@link #run(Body)} for asyncio's exact behaviour.
 *
 * <p>Must be created inside a task; loop-affine: use it from the task that made it.
 *
 * @since 0.1
 */
public final class TaskGroup implements AutoCloseable {
    private static final String MESSAGE = "unhandled errors in a TaskGroup";

    private final Task<?> parent;
    private final BaseEventLoop loop;
    /** run(): the body gets plain cancellations; try-with-resources: it gets the group. */
    private final boolean exact;
    private final int depth;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    /** Every child failure so far, in order; null while there is none. */
    private ExceptionGroup errors;
    private Throwable baseError;
    private boolean aborting;
    private boolean exiting;
    private boolean finished;
    private boolean parentCancelRequested;
    private Future<Void> onCompleted;

    /**
     * Opens a task group in the current task, for try-with-resources ending with
     * {@link #join()}; asyncio's {@code async with TaskGroup()}.
     *
     * @throws IllegalStateException if called outside a task
     */
    public TaskGroup() {
        this(false);
    }

    private TaskGroup(boolean exact) {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask("new TaskGroup()");
        }
        this.parent = t;
        this.loop = t.loop;
        this.exact = exact;
        this.depth = ++t.scopeDepth;
    }

    /**
     * The body of {@link #run(Body)}.
     *
     * @param <T> its result
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs inside the group.
         *
         * @param group the group, to create children with
         * @return the body's result
         * @throws Exception whatever the body raises
         */
        T apply(TaskGroup group) throws Exception;
    }

    /**
     * Runs {@code body} in a new task group and waits for every child; exactly asyncio's
     * {@code async with TaskGroup() as tg:} block, including what happens when the body or a
     * child fails (see the class documentation).
     *
     * @param <T> the body's result type
     * @param body the body; not {@code null}
     * @return what the body returned, once every child is done; {@code null} when the body was
     *     ended by {@link #cancel()}
     * @throws ExceptionGroup if a child failed, or the body failed with an exception other
     *     than a cancellation (it is then in the group)
     * @throws CancelledError if the calling task was cancelled and no child failed
     * @throws KeyboardInterrupt if a child or the body raised it
     * @throws IllegalStateException if called outside a task
     * @throws Exception declared for the body's sake: what the body throws leaves inside the
     *     {@code ExceptionGroup}, never on its own
     */
    public static <T> T run(Body<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        TaskGroup tg = new TaskGroup(true);
        T result;
        try {
            result = body.apply(tg);
        } catch (Throwable t) {
            tg.exit(t);
            return null; // the group's own cancellation (cancel()) ended the body: not an error
        }
        tg.exit(null);
        return result;
    }

    /**
     * Creates a child task; asyncio's {@code TaskGroup.create_task()}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @return the child task
     * @throws IllegalStateException if the group is shutting down or finished, or if called
     *     from another thread while the loop runs
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    /**
     * Creates a child task for a coroutine that returns nothing.
     *
     * @param coro the coroutine; not {@code null}
     * @return the child task
     * @throws IllegalStateException if the group is shutting down or finished
     */
    public Task<Void> createTask(VoidCoroutine coro) {
        return createTask(Coroutine.of(coro), null, null);
    }

    /**
     * Creates a named child task running in {@code context}.
     *
     * @param <T> the result type
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null}
     * @param context the context to run in, or {@code null} for a copy of the current one
     * @return the child task
     * @throws IllegalStateException if the group is shutting down or finished
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coro");
        loop.checkThread("TaskGroup.createTask()");
        if (finished || (exiting && tasks.isEmpty())) {
            throw new IllegalStateException("TaskGroup " + this + " is finished");
        }
        if (aborting) {
            throw new IllegalStateException("TaskGroup " + this + " is shutting down");
        }
        Task<T> t = loop.createTask(coro, name, context);
        // Even a task already done (an eager one) reports through its done callback, on the
        // ready queue: failing inside createTask() must not cancel the caller too early.
        tasks.add(t);
        AwaitedBy.add(t, parent);
        t.addInternalCallback(this::onTaskDone);
        if (aborting && !t.done()) {
            t.cancelInternal(null); // the group started shutting down while the task was made
        }
        return t;
    }

    /**
     * Cancels the group: every child not yet done, and the body; asyncio 3.15's
     * {@code TaskGroup.cancel()}. In {@link #run(Body)}, the group then ends without raising
     * a {@code CancelledError}; in the try-with-resources form, a {@link #join()} (or any
     * await) in the body that made the call returns or raises as usual, since the
     * cancellation is withdrawn when the group finishes. Does nothing once the group finished.
     *
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void cancel() {
        loop.checkThread("TaskGroup.cancel()");
        if (finished || (exiting && tasks.isEmpty())) {
            return;
        }
        if (!aborting) {
            abort();
        }
        if (!parentCancelRequested && !parent.done()) {
            parentCancelRequested = true;
            parent.requestCancel(null);
        }
    }

    private void onTaskDone(Future<?> f) {
        Task<?> task = (Task<?>) f;
        tasks.remove(task);
        AwaitedBy.discard(task, parent);
        if (onCompleted != null && tasks.isEmpty()) {
            onCompleted.trySetResult(null);
        }
        if (task.cancelled()) {
            return;
        }
        Throwable exc = task.rawException();
        if (exc == null) {
            return;
        }
        if (errors == null) {
            errors = new ExceptionGroup(MESSAGE);
        }
        errors.add(exc);
        if (exc instanceof KeyboardInterrupt && baseError == null) {
            baseError = exc;
        }
        if (parent.done()) {
            loop.callExceptionHandler(ExceptionContext.builder("Task " + task + " has errored out but its parent task "
                    + parent + " is already completed").exception(exc).future(task).build());
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            if (exact) {
                parent.requestCancel(null);
            } else {
                // The innermost group's failure wins over any timeout expiring meanwhile.
                parent.requestCancel(null, errors, (1 << 21) + depth);
            }
        }
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : tasks.toArray(new Task<?>[0])) {
            if (!t.done()) {
                t.cancelInternal(null);
            }
        }
    }

    /**
     * Waits for every child and ends the group; the end of the try-with-resources form's
     * body (asyncio's {@code __aexit__} on a normal exit).
     *
     * @throws ExceptionGroup if a child failed: every child failure, in order
     * @throws CancelledError if the calling task was cancelled from outside meanwhile and no
     *     child failed
     * @throws KeyboardInterrupt if a child raised it
     * @throws IllegalStateException if the group already finished, or if called by another
     *     task than the one that opened it
     */
    public void join() {
        if (finished) {
            throw new IllegalStateException("TaskGroup " + this + " is finished");
        }
        try {
            exit(null);
        } catch (Exception e) {
            throw Throwables.<RuntimeException>sneaky(e); // only errors leave exit(null)
        }
    }

    /**
     * Leaves the try-with-resources block. After {@link #join()} it does nothing. Without it,
     * the body failed (or forgot {@code join()}): the children are cancelled and waited for,
     * then the group's {@link ExceptionGroup}, or an {@link IllegalStateException} naming the
     * missing {@code join()}, is thrown (Java attaches it as suppressed to the body's
     * exception). When the body is leaving with this group's own {@code ExceptionGroup},
     * {@code close()} completes it with the children's late failures and returns.
     *
     * @throws ExceptionGroup see above
     * @throws IllegalStateException see above
     */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        if (Task.current() != parent) {
            throw new IllegalStateException("TaskGroup must be closed by the task that opened it, " + parent.getName());
        }
        boolean groupInFlight = errors != null && errors.deliveredToBody;
        exiting = true;
        if (!aborting) {
            abort();
        }
        waitForChildren(null);
        finish();
        if (baseError != null) {
            throw Throwables.<RuntimeException>sneaky(baseError);
        }
        if (groupInFlight) {
            errors.deliveredToBody = false;
            return;
        }
        if (errors != null) {
            throw errors;
        }
        if (parent.cancelling() == 0) {
            throw new IllegalStateException("TaskGroup closed without join(): its body failed or did not call"
                    + " join(), so its children were cancelled");
        }
    }

    /** asyncio's TaskGroup._aexit: {@code et} is what leaves the body, or null. */
    private void exit(Throwable et) throws Exception {
        if (Task.current() != parent) {
            throw new IllegalStateException("TaskGroup must be closed by the task that opened it, " + parent.getName());
        }
        exiting = true;
        if (et instanceof KeyboardInterrupt && baseError == null) {
            baseError = et;
        }
        Throwable propagate = Throwables.isCancellation(et) ? et : null;
        if (et != null && !aborting) {
            abort();
        }
        propagate = waitForChildren(propagate);
        boolean cancelWithdrawn = finish();
        if (baseError != null) {
            throw Throwables.<Exception>sneaky(baseError);
        }
        if (cancelWithdrawn) {
            propagate = null;
        }
        if (propagate != null && errors == null) {
            throw Throwables.asException(propagate);
        }
        if (et != null && !Throwables.isCancellation(et) && !(et instanceof KeyboardInterrupt)) {
            if (errors == null) {
                errors = new ExceptionGroup(MESSAGE);
            }
            errors.add(et);
        }
        if (errors != null) {
            // An outside cancel() that coincided with the failure is re-armed: uncancel and
            // cancel again keeps the count and delivers it at the next await.
            if (parent.cancelling() > 0) {
                parent.uncancel();
                parent.requestCancel(null);
            }
            errors.deliveredToBody = false;
            throw errors;
        }
    }

    /** Waits until no child is left; a cancellation meanwhile aborts them and is returned. */
    private Throwable waitForChildren(Throwable propagate) {
        while (!tasks.isEmpty()) {
            onCompleted = loop.createFuture();
            try {
                onCompleted.awaitDone();
            } catch (CancelledError ex) {
                if (!aborting) {
                    propagate = ex;
                    abort();
                }
            }
            onCompleted = null;
        }
        return propagate;
    }

    /** Marks the group finished; true if the group's own cancellation of the parent was the last one. */
    private boolean finish() {
        finished = true;
        parent.scopeDepth--;
        if (errors != null) {
            parent.withdrawReplacement(errors);
        }
        return parentCancelRequested && parent.uncancel() == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<TaskGroup");
        if (!tasks.isEmpty()) {
            sb.append(" tasks=").append(tasks.size());
        }
        if (errors != null) {
            sb.append(" errors=").append(errors.exceptions().size());
        }
        if (aborting) {
            sb.append(" cancelling");
        } else if (exiting) {
            sb.append(" exiting");
        } else {
            sb.append(" entered");
        }
        return sb.append('>').toString();
    }
}
