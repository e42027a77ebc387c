package org.jasyncio;

/**
 * Something a task can wait for: a {@link Future} (and so a {@link Task}) or a
 * {@link Coroutine}; Python's awaitables.
 *
 * <p>Awaiting a coroutine runs it to the end in the calling task, as {@code await coro()}
 * does in Python; awaiting a future suspends the calling task until the future is done.
 * The combinators ({@link Asyncio#gather(java.util.Collection)}, {@link Asyncio#wait},
 * {@link Asyncio#waitFor(Awaitable, double)}) accept any mix of the two and wrap
 * coroutines in tasks, as {@code asyncio.ensure_future} does.
 *
 * @param <T> the value the awaitable produces
 * @since 0.1
 */
public interface Awaitable<T> {
    /**
     * Waits for this awaitable and returns its value; Python's {@code await aw}.
     *
     * @return the value
     * @throws CancelledError if the awaiting task is cancelled, or the future was cancelled
     * @throws IllegalStateException if a future is awaited outside a task
     * @throws Exception whatever the coroutine or future raised
     */
    T await() throws Exception;
}
