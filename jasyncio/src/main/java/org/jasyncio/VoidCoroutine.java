package org.jasyncio;

/**
 * A coroutine function that returns nothing; the same as {@link Coroutine} for bodies that
 * would otherwise end with {@code return null}. The functions that take one coroutine
 * ({@code run}, {@code createTask}, {@code waitFor}...) have an overload that takes this;
 * {@code gather} does not, so that a mix of void and value lambdas cannot silently lose values:
 * give it tasks.
 *
 * <pre>{@code
 * static void count() { System.out.println("One"); Asyncio.sleep(1); System.out.println("Two"); }
 * Asyncio.run(() -> Asyncio.gather(createTask(Count::count), createTask(Count::count)).await());
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface VoidCoroutine extends Awaitable<Void> {
    /**
     * Runs the coroutine in the calling task.
     *
     * @throws Exception whatever the coroutine raises
     */
    void run() throws Exception;

    /**
     * Runs the coroutine in the calling task.
     *
     * @return {@code null}
     * @throws Exception whatever the coroutine raises
     */
    @Override
    default Void await() throws Exception {
        run();
        return null;
    }
}
