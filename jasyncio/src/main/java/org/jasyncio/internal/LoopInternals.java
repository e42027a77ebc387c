package org.jasyncio.internal;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;

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
     * The task running the caller, or null anywhere else (no error when no loop runs).
     *
     * @return the current task or null
     */
    Task<?> currentTaskOrNull();

    /**
     * Rejects a loop-affine call from another thread while {@code loop} runs.
     *
     * @param loop the loop the object belongs to
     * @param what the operation, for the message
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void checkThread(EventLoop loop, String what);

    /**
     * Tells whether the caller is the loop thread or one of the loop's tasks.
     *
     * @param loop the loop
     * @return {@code true} on the loop
     */
    boolean onLoopThread(EventLoop loop);

    /**
     * Returns {@code loop}'s attachment for {@code key}, made on first use; loop thread only.
     *
     * @param <A> the attachment type
     * @param loop the loop
     * @param key the attachment's key
     * @return the attachment
     * @throws IllegalStateException if the loop is closed and has none yet
     */
    <A extends LoopAttachment> A attachment(EventLoop loop, AttachmentKey<A> key);

    /**
     * Returns {@code loop}'s attachment for {@code key} if it has one; loop thread only.
     *
     * @param <A> the attachment type
     * @param loop the loop
     * @param key the attachment's key
     * @return the attachment, or {@code null}
     */
    <A extends LoopAttachment> A peekAttachment(EventLoop loop, AttachmentKey<A> key);

    /**
     * Returns the implementation. Before the first loop is made there is no task and no running
     * loop, and that is what the answer says; the core installs the real one when its loop class
     * is initialised, so no lookup by name is needed.
     *
     * @return the core's implementation
     */
    static LoopInternals get() {
        LoopInternals i = Holder.instance;
        return i != null ? i : Holder.NO_LOOP_YET;
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

        /** The answers while no loop class was ever initialised: nothing runs anywhere. */
        static final LoopInternals NO_LOOP_YET = new LoopInternals() {
            @Override
            public EventLoop runningLoop() {
                return null;
            }

            @Override
            public Task<?> currentTaskOrNull() {
                return null;
            }

            @Override
            public void checkThread(EventLoop loop, String what) {
                throw new IllegalStateException("not a jasyncio loop: " + loop);
            }

            @Override
            public boolean onLoopThread(EventLoop loop) {
                return false;
            }

            @Override
            public <A extends LoopAttachment> A attachment(EventLoop loop, AttachmentKey<A> key) {
                throw new IllegalStateException("not a jasyncio loop: " + loop);
            }

            @Override
            public <A extends LoopAttachment> A peekAttachment(EventLoop loop, AttachmentKey<A> key) {
                return null;
            }
        };

        private Holder() {}
    }
}
