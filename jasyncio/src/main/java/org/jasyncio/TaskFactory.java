package org.jasyncio;

/**
 * Makes the tasks that {@link EventLoop#createTask} returns; asyncio's task factory,
 * installed with {@link EventLoop#setTaskFactory}.
 *
 * <p>A factory may decorate the task (rename it, wrap the coroutine, record it) and must
 * build it with {@link #DEFAULT} or {@link #EAGER}.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TaskFactory {
    /**
     * Creates and schedules a task.
     *
     * @param <T> the result type
     * @param loop the loop the task belongs to
     * @param coro the coroutine
     * @param name the name, or {@code null} for {@code Task-N}
     * @param context the context, or {@code null} for a copy of the current one
     * @return the scheduled task
     */
    <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context);

    /** Creates tasks whose first step runs on a later loop iteration, FIFO; asyncio's default. */
    TaskFactory DEFAULT = new TaskFactory() {
        @Override
        public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
            Task<T> t = new Task<>((BaseEventLoop) loop, coro, name, context);
            t.start(false);
            return t;
        }

        @Override
        public String toString() {
            return "TaskFactory.DEFAULT";
        }
    };

    /**
     * Creates tasks whose first step runs at once, before {@code createTask} returns, when
     * the loop is running; Python 3.12's {@code asyncio.eager_task_factory}. A coroutine
     * that finishes without suspending gives a task that is already done.
     */
    TaskFactory EAGER = new TaskFactory() {
        @Override
        public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
            BaseEventLoop l = (BaseEventLoop) loop;
            Task<T> t = new Task<>(l, coro, name, context);
            t.start(l.isRunning());
            return t;
        }

        @Override
        public String toString() {
            return "TaskFactory.EAGER";
        }
    };
}
