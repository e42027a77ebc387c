package org.jasyncio.group;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;

/**
 * Waiting, from a task of one loop, for work of another loop: the explicit bridges between
 * loops of a {@link LoopGroup} (or any two jasyncio loops).
 *
 * <p>A {@link Future} belongs to one loop, as in asyncio: a task that awaits a pending future
 * of another loop directly gets {@link IllegalStateException} ("attached to a different
 * loop"), since the future's callbacks would run on the wrong thread. {@link #await(Future)}
 * instead asks the future's loop, through its inbox, to report the outcome; the outcome comes
 * back through the waiting loop's inbox, so the waiting task resumes on its own loop thread
 * and the other loop's state is only ever touched by that loop. It costs two cross-thread
 * wake-ups.
 *
 * <pre>{@code
 * Future<byte[]> fromB = ...;                       // made on loop B
 * group.submit(() -> CrossLoop.await(fromB));       // awaited by a task of another loop
 * int n = CrossLoop.call(loopB, () -> counter.get()); // run a coroutine there, await it here
 * }</pre>
 *
 * <p>Thread rules: each method must be called from a task (of any loop).
 *
 * @since 0.1
 */
public final class CrossLoop {
    private CrossLoop() {}

    /**
     * Returns a future of the running loop that completes like {@code future}, a future of
     * another loop; {@code future} itself when it belongs to the running loop. Cancelling the
     * returned future cancels {@code future} (on its own loop), as awaiting it directly would;
     * wrap it in {@link Asyncio#shield} on its loop to prevent that. Mirrors asyncio's
     * {@code wrap_future} for a future of another loop.
     *
     * @param <T> the result type
     * @param future a future of any jasyncio loop; not {@code null}
     * @return a future of the running loop
     * @throws IllegalStateException if no loop runs on the calling thread; the returned future
     *         fails with {@code IllegalStateException} if {@code future}'s loop closed before
     *         {@code future} completed
     */
    public static <T> Future<T> wrap(Future<T> future) {
        Objects.requireNonNull(future, "future");
        EventLoop here = Asyncio.getRunningLoop();
        EventLoop there = future.getLoop();
        if (there == here) {
            return future;
        }
        CompletableFuture<T> bridge = new CompletableFuture<>();
        Runnable link = () -> {
            CompletableFuture<T> source = future.toCompletableFuture();
            source.whenComplete((value, error) -> {
                if (error == null) {
                    bridge.complete(value);
                } else {
                    bridge.completeExceptionally(error);
                }
            });
            bridge.whenComplete((value, error) -> {
                if (bridge.isCancelled()) {
                    source.cancel(false); // travels to the future's loop through its inbox
                }
            });
        };
        try {
            there.callSoonThreadsafe(link);
        } catch (IllegalStateException closed) {
            if (future.done()) {
                link.run(); // the loop is closed, so this thread may read the outcome
            } else {
                bridge.completeExceptionally(new IllegalStateException(
                        "the loop of " + future + " is closed: the future can never complete"));
            }
        }
        return Asyncio.wrapFuture(bridge);
    }

    /**
     * Waits, from a task of any loop, for {@code future} of any loop and returns its result:
     * {@code await future} across loops.
     *
     * <h4>Cancellation</h4>
     * Cancelling the calling task cancels {@code future} too, as a direct await does.
     *
     * @param <T> the result type
     * @param future the future; not {@code null}
     * @return its result
     * @throws IllegalStateException if called outside a task, or {@code future}'s loop closed
     *         before it completed
     * @throws CancelledError if the calling task is cancelled, or {@code future} was cancelled
     * @throws Exception the exception set on {@code future}
     */
    public static <T> T await(Future<T> future) throws Exception {
        return wrap(future).await();
    }

    /**
     * Runs {@code coro} in a new task on {@code loop} and waits for it from the calling task;
     * {@link Asyncio#runCoroutineThreadsafe} awaited without blocking the caller's loop.
     *
     * <h4>Cancellation</h4>
     * Cancelling the calling task cancels the task on {@code loop}.
     *
     * @param <T> the result type
     * @param loop the loop to run on; not {@code null}
     * @param coro the coroutine; not {@code null}
     * @return its result
     * @throws IllegalStateException if called outside a task, or {@code loop} is closed
     * @throws CancelledError if the calling task or the remote task is cancelled
     * @throws Exception what {@code coro} throws
     */
    public static <T> T call(EventLoop loop, Coroutine<T> coro) throws Exception {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(coro, "coro");
        if (Asyncio.currentTask() == null) {
            throw new IllegalStateException("CrossLoop.call() must be called from a task");
        }
        return Asyncio.await(Asyncio.runCoroutineThreadsafe(coro, loop));
    }
}
