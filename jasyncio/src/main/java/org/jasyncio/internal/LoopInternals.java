package org.jasyncio.internal;

import org.jasyncio.EventLoop;

/**
 * What jasyncio's sub-packages (locks, queues, streams, ...) need from the core that the
 * public API does not offer. Implemented in {@code org.jasyncio}; not exported.
 */
public interface LoopInternals {
    /**
     * Returns the loop running the calling task or callback.
     *
     * @return the loop, or {@code null} when none runs here
     */
    EventLoop runningLoop();

    /**
     * Rejects a loop-affine call from another thread while {@code loop} runs.
     *
     * @param loop the loop the object belongs to
     * @param what the operation, for the message
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    /**
     * The task running the caller, or null anywhere else (no error when no loop runs).
     *
     * @return the current task or null
     */
    org.jasyncio.Task<?> currentTaskOrNull();

    void checkThread(EventLoop loop, String what);

    /**
     * Tells whether the caller is the loop thread or one of the loop's tasks.
     *
     * @param loop the loop
     * @return {@code true} on the loop
     */
    boolean onLoopThread(EventLoop loop);

    /**
     * Registers a hook that {@link org.jasyncio.Runner#close()} (and so
     * {@code Asyncio.run}) runs inside a task of {@code loop} before the loop closes, after
     * the remaining tasks were cancelled: asyncio's {@code shutdown_asyncgens} step. Hooks
     * run in registration order; a hook may suspend.
     *
     * @param loop the loop
     * @param hook the hook
     */
    void addShutdownHook(EventLoop loop, Runnable hook);

    /**
     * Removes a hook registered with {@link #addShutdownHook}.
     *
     * @param loop the loop
     * @param hook the hook
     */
    void removeShutdownHook(EventLoop loop, Runnable hook);

    /**
     * Registers a hook that {@link EventLoop#close()} runs, once, on the closing thread, after
     * the loop stopped accepting callbacks: to release what the loop owns outside its selector
     * (child processes). Hooks run in registration order; a hook must not suspend.
     *
     * @param loop the loop
     * @param hook the hook
     */
    void addCloseHook(EventLoop loop, Runnable hook);

    /**
     * Returns the implementation.
     *
     * @return the core's implementation
     */
    static LoopInternals get() {
        LoopInternals i = Holder.instance;
        if (i == null) {
            try {
                Class.forName("org.jasyncio.Asyncio", true, LoopInternals.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            i = Holder.instance;
        }
        return i;
    }

    /**
     * Installs the implementation; called once by the core.
     *
     * @param impl the implementation
     */
    static void install(LoopInternals impl) {
        Holder.instance = impl;
    }

    /** Where the implementation lives. */
    final class Holder {
        static volatile LoopInternals instance;

        private Holder() {}
    }
}
