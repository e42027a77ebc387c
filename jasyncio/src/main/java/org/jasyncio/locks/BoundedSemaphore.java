package org.jasyncio.locks;

/**
 * A {@link Semaphore} that refuses to be released more often than it was acquired;
 * asyncio's {@code asyncio.BoundedSemaphore}. A release that would raise the count above
 * its initial value throws {@link IllegalStateException}: it catches the bug of releasing
 * a permit twice.
 *
 * <pre>{@code
 * BoundedSemaphore pool = new BoundedSemaphore(4);
 * try (var held = pool.acquire()) {
 *     useConnection();
 * }
 * pool.release();   // IllegalStateException: released too many times
 * }</pre>
 *
 * <p>Fairness, cancellation and threading are those of {@link Semaphore}.
 *
 * @since 0.1
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** Creates a bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Creates a bounded semaphore with {@code value} permits, which is also its bound.
     *
     * @param value the initial and largest number of permits, at least 0
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /**
     * Returns the bound: the initial number of permits.
     *
     * @return the bound
     */
    public int bound() {
        return bound;
    }

    /**
     * Gives a permit back and wakes the first waiting task, if any; asyncio's
     * {@code BoundedSemaphore.release()}. Never suspends.
     *
     * @throws IllegalStateException if the release would raise the count above the bound
     *         (asyncio's {@code ValueError}), or if called from another thread while the
     *         semaphore's loop runs; the count is unchanged in both cases
     */
    @Override
    public void release() {
        checkThread("BoundedSemaphore.release()");
        if (value >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times (bound " + bound + ")");
        }
        super.release();
    }
}
