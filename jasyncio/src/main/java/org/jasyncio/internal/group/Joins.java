package org.jasyncio.internal.group;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;

/**
 * Waiting for work another loop does, from wherever the caller is: a task (of any loop)
 * awaits without blocking its loop; a plain thread blocks; a callback on a loop thread is
 * refused, since blocking there would freeze the loop, possibly on the very work it waits for.
 */
public final class Joins {
    private Joins() {}

    /**
     * Returns the loop running on the calling thread (in a task or a callback), or null.
     *
     * @return the running loop, or {@code null} on a plain thread
     */
    public static EventLoop runningLoop() {
        try {
            return Asyncio.getRunningLoop();
        } catch (IllegalStateException none) {
            return null;
        }
    }

    /**
     * Tells whether the caller may wait: it is in a task, or on a thread that runs no loop.
     *
     * @param what the operation, for the error
     * @throws IllegalStateException in a callback on a loop thread
     */
    public static void checkMayWait(String what) {
        if (runningLoop() != null && Asyncio.currentTask() == null) {
            throw new IllegalStateException(what + " would block the loop thread it was called on: call it from a"
                    + " task, or from a thread that runs no event loop");
        }
    }

    /**
     * Waits for {@code cf}: awaits it in a task, blocks on a plain thread.
     *
     * @param <T> the result type
     * @param cf the future; cancelling the waiting task does not cancel it
     * @param what the operation, for errors
     * @return its result
     * @throws IllegalStateException in a callback on a loop thread
     * @throws CancelledError if the waiting task is cancelled, or {@code cf} was cancelled
     * @throws Exception what {@code cf} failed with, unwrapped
     */
    public static <T> T join(CompletableFuture<T> cf, String what) throws Exception {
        checkMayWait(what);
        if (runningLoop() != null) {
            return Asyncio.await(cf.copy());
        }
        try {
            return cf.get();
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e);
        } catch (CancellationException e) {
            throw new CancelledError(what + " was cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /**
     * As {@link #join} for callers that declare no checked exception: a checked failure
     * becomes an {@link IllegalStateException} with it as the cause.
     *
     * @param <T> the result type
     * @param cf the future
     * @param what the operation, for errors
     * @return its result
     */
    public static <T> T joinUnchecked(CompletableFuture<T> cf, String what) {
        try {
            return join(cf, what);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e, e);
        }
    }

    /**
     * Returns the failure inside a {@code CompletionException} or {@code ExecutionException},
     * as an {@link Exception} or rethrown {@link Error}.
     *
     * @param e the wrapper
     * @return the cause, when it is an Exception
     */
    public static Exception unwrap(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof Error err) {
            throw err;
        }
        return (Exception) c;
    }

    /**
     * Throws {@code t} unchanged, checked or not.
     *
     * @param <E> inferred as an unchecked type
     * @param t the throwable
     * @return never
     * @throws E always {@code t}
     */
    @SuppressWarnings("unchecked")
    public static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
