package org.jasyncio.locks;

import java.io.Serial;

/**
 * Raised by {@link Barrier#await()} when the barrier is broken ({@link Barrier#abort()}) or
 * reset ({@link Barrier#reset()}) while the task waits, or is broken when the task arrives;
 * asyncio's {@code asyncio.BrokenBarrierError}.
 *
 * <p>It extends {@link IllegalStateException} (asyncio's is a {@code RuntimeError}): the
 * barrier is in a state that no longer lets the parties meet. Unlike the JDK's checked
 * {@link java.util.concurrent.BrokenBarrierException} it need not be declared.
 *
 * @since 0.1
 */
public class BrokenBarrierError extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message why the barrier broke, for example {@code "Barrier aborted"}
     */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
