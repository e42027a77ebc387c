package org.jasyncio;

/**
 * A coroutine function that returns nothing; the same as {@link Coroutine} for bodies that
 * would otherwise end with {@code return null}. Every jasyncio function that takes a
 * {@code Coroutine} has an overload that takes this.
 *
 * <pre>{@code
 * static void count() { System.out.println("One"); Asyncio.sleep(1); System.out.println("Two"); }
 * Asyncio.run(() -> Asyncio.gather(Count::count, Count::count, Count::count).await());
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
