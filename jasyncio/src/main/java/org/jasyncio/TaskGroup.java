package org.jasyncio;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Structured concurrency: a scope whose child tasks all finish before the scope is left;
 * asyncio's {@code asyncio.TaskGroup} (3.11).
 *
 * <pre>{@code
 * try (var tg = new TaskGroup()) {
 *     Task<String> a = tg.createTask(() -> fetch("a"));
 *     Task<String> b = tg.createTask(() -> fetch("b"));
 * }   // waits here for a and b
 * }</pre>
 *
 * <p>Rules, as in asyncio:
 * <ul>
 * <li>Leaving the block waits for every child ({@link #close()} suspends the task).</li>
 * <li>The first child that fails cancels its siblings and the body: the body gets an
 *     {@link ExceptionGroup} at its current suspension point (it is the body's
 *     cancellation, so {@code catch (Exception e)} does not swallow it). Once every child
 *     is done, the group holds every child failure, in the order they happened.</li>
 * <li>A child that is cancelled is not a failure.</li>
 * <li>{@link #createTask} after the group started shutting down, or after it finished, is
 *     an error.</li>
 * <li>If the task running the group is cancelled from outside, the children are cancelled
 *     and waited for, and the {@code CancelledError} goes on.</li>
 * </ul>
 *
 * <p><b>What Java cannot tell the group.</b> {@code close()} is not told whether the block
 * is left by an exception. So when the body itself throws (an ordinary exception, not a
 * cancellation), the children are not cancelled: {@code close()} waits for them as for a
 * normal exit, and their failures are attached to the body's exception as suppressed
 * exceptions. To have the children cancelled when the body throws, exactly as in Python,
 * use {@link #run(Body)}.
 *
 * <p>Must be created inside a task; loop-affine.
 *
 * @since 0.1
 */
public final class TaskGroup implements AutoCloseable {
    private final Task<?> parent;
    private final BaseEventLoop loop;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private ExceptionGroup errors;
    private boolean aborting;
    private boolean exiting;
    private boolean finished;
    private boolean parentCancelRequested;
    private Future<Void> onCompleted;

    /**
     * Opens a task group in the current task; asyncio's {@code async with TaskGroup()}.
     *
     * @throws IllegalStateException if called outside a task
     */
    public TaskGroup() {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask("new TaskGroup()");
        }
        this.parent = t;
        this.loop = t.loop;
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
     * Runs {@code body} in a new task group, with asyncio's exact semantics: if the body
     * throws, the children are cancelled and waited for, and the body's exception joins
     * the children's failures in the {@link ExceptionGroup}.
     *
     * @param <T> the body's result
     * @param body the body; not {@code null}
     * @return what the body returns, once every child is done
     * @throws ExceptionGroup if a child failed, or if the body failed while children ran
     * @throws CancelledError if the calling task was cancelled
     * @throws IllegalStateException if called outside a task
     * @throws Exception the body's exception when no child failed
     */
    public static <T> T run(Body<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        TaskGroup tg = new TaskGroup();
        T result = null;
        Throwable et = null;
        try {
            result = body.apply(tg);
        } catch (Throwable t) {
            et = t;
        }
        tg.exit(et, true);
        if (et != null) {
            throw Throwables.asException(et);
        }
        return result;
    }

    /**
     * Creates a child task; asyncio's {@code TaskGroup.create_task()}.
     *
     * @param <T> its result
     * @param coro the coroutine; not {@code null}
     * @return the task
     * @throws IllegalStateException if the group is shutting down or finished
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    /**
     * Creates a child task that returns nothing.
     *
     * @param coro the coroutine; not {@code null}
     * @return the task
     * @throws IllegalStateException if the group is shutting down or finished
     */
    public Task<Void> createTask(VoidCoroutine coro) {
        return createTask(Coroutine.of(coro), null, null);
    }

    /**
     * Creates a named child task running in {@code context}.
     *
     * @param <T> its result
     * @param coro the coroutine; not {@code null}
     * @param name the task's name, or {@code null}
     * @param context its context, or {@code null} for a copy of the current one
     * @return the task
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
        if (t.done()) {
            onTaskDone(t);
        } else {
            tasks.add(t);
            t.addInternalCallback(this::onTaskDone);
        }
        return t;
    }

    private void onTaskDone(Future<?> f) {
        Task<?> task = (Task<?>) f;
        tasks.remove(task);
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
            errors = new ExceptionGroup("unhandled errors in a TaskGroup");
        }
        errors.add(exc);
        if (parent.done()) {
            loop.callExceptionHandler(ExceptionContext.builder("Task " + task + " has errored out but its parent task "
                    + parent + " is already completed").exception(exc).future(task).build());
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            if (!exiting) {
                parentCancelRequested = true;
                parent.requestCancel(null, errors);
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
     * Leaves the group: waits for every child, then throws the group's failures. Suspends
     * the calling task. Closing a finished group does nothing.
     *
     * @throws ExceptionGroup if a child failed and its group was not already thrown into
     *         the body
     * @throws CancelledError if the task was cancelled while waiting and no child failed
     */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        try {
            exit(null, false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * asyncio's {@code __aexit__}. With {@code known}, {@code et} is the body's exception
     * (or null for a normal exit); without, close() guesses from the task's state.
     */
    private void exit(Throwable et, boolean known) throws Exception {
        if (Task.current() != parent) {
            throw new IllegalStateException("TaskGroup must be closed by the task that opened it, " + parent.getName());
        }
        exiting = true;
        boolean ourGroupInFlight = known ? (et != null && et == errors) : (errors != null && errors.deliveredToBody);
        boolean bodyCancelled = known
                ? et instanceof CancelledError || ourGroupInFlight
                : parent.cancelling() > (parentCancelRequested ? 1 : 0);
        Throwable propagate = known && et instanceof CancelledError ? et : null;
        if (parentCancelRequested) {
            if (parent.uncancel() == 0) {
                propagate = null;
            }
        }
        if ((known && et != null || bodyCancelled) && !aborting) {
            abort();
        }
        while (!tasks.isEmpty()) {
            onCompleted = loop.createFuture();
            try {
                onCompleted.awaitDone();
            } catch (Throwable ex) {
                // Cancelled (or handed an outer group's failure) while waiting: cancel the
                // children, keep waiting, then let it go on.
                if (!aborting) {
                    abort();
                }
                propagate = ex;
            }
        }
        onCompleted = null;
        finished = true;

        if (known && et != null && !(et instanceof CancelledError) && et != errors) {
            // asyncio: the body's own exception joins the group
            if (errors == null) {
                errors = new ExceptionGroup("unhandled errors in a TaskGroup");
            }
            errors.add(et);
            et = null;
        }
        if (propagate != null && errors == null) {
            throw Throwables.asException(propagate);
        }
        if (errors == null) {
            return;
        }
        if (propagate instanceof ExceptionGroup g && g != errors && g.deliveredToBody) {
            // An outer group's failure reached us while we waited; we raise our own group
            // instead, so the outer group is no longer travelling: its close() must raise it.
            g.deliveredToBody = false;
        }
        if (known) {
            if (et != null && !(et instanceof CancelledError) && et != errors) {
                errors.add(et);
            }
            if (propagate != null && !(propagate instanceof CancelledError) && propagate != errors) {
                errors.add(propagate);
            }
            errors.deliveredToBody = false;
            throw errors;
        }
        if (ourGroupInFlight && propagate == null) {
            // The body is already propagating the group (now complete).
            return;
        }
        if (propagate != null && !(propagate instanceof CancelledError) && propagate != errors) {
            errors.add(propagate);
        }
        errors.deliveredToBody = false;
        throw errors;
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
