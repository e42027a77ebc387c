package org.jasyncio.internal;

import org.jasyncio.CancelledError;
import org.jasyncio.Future;

/** Waiting on the private futures of loop-bound primitives. */
public final class Waits {
    private Waits() {}

    /**
     * Waits until {@code fut} is done; the future only ever receives a result or is
     * cancelled, so the only throwables are the caller's cancellation (a
     * {@link CancelledError}, a {@code TimeoutError} or a task group's
     * {@code ExceptionGroup}) and illegal-state errors.
     *
     * @param fut a private waiter future that is never failed with an exception
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task of the future's loop
     */
    public static void await(Future<?> fut) {
        try {
            fut.await();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a waiter future failed: " + fut, e);
        }
    }

    /**
     * Tells whether {@code t}, thrown by a suspending call, is a cancellation of the
     * calling task: a {@link CancelledError} (a {@code TimeoutError} is one) or the
     * {@code ExceptionGroup} a task group throws into its body as the body's cancellation.
     *
     * @param t the throwable
     * @return {@code true} for a cancellation
     */
    public static boolean isCancellation(Throwable t) {
        return t instanceof CancelledError; // ExceptionGroup and TimeoutError are CancelledErrors
    }
}
