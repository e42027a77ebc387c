package org.jasyncio;

/**
 * A coroutine function: code that runs inside a {@link Task} and may suspend at any
 * {@code await} (any call to {@link Future#await()}, {@link Asyncio#sleep(double)} and the
 * other suspending functions); Python's {@code async def}.
 *
 * <p>Because every task runs on its own virtual thread, a coroutine is an ordinary lambda
 * or method: calling one from another is a plain method call, which is what
 * {@code await coro()} means in Python. To run it concurrently instead, wrap it in a task
 * with {@link Asyncio#createTask(Coroutine)}.
 *
 * <pre>{@code
 * Coroutine<String> sayAfter = () -> { Asyncio.sleep(1.0); return "hello"; };
 * String s = Asyncio.run(sayAfter);
 * }</pre>
 *
 * <p>For a coroutine that returns nothing, {@link VoidCoroutine} spares the
 * {@code return null}.
 *
 * @param <T> the coroutine's result
 * @since 0.1
 */
@FunctionalInterface
public interface Coroutine<T> extends Awaitable<T> {
    /**
     * Runs the coroutine in the calling task.
     *
     * @return the result
     * @throws Exception whatever the coroutine raises
     */
    T call() throws Exception;

    /**
     * Runs the coroutine in the calling task; the same as {@link #call()}.
     *
     * @return the result
     * @throws Exception whatever the coroutine raises
     */
    @Override
    default T await() throws Exception {
        return call();
    }

    /**
     * Adapts a coroutine that returns nothing.
     *
     * @param body the coroutine; not {@code null}
     * @return a coroutine that runs {@code body} and returns {@code null}
     * @throws NullPointerException if {@code body} is {@code null}
     */
    static Coroutine<Void> of(VoidCoroutine body) {
        java.util.Objects.requireNonNull(body, "body");
        return new VoidAdapter(body);
    }
}
