package org.jasyncio;

import java.io.Serial;

/**
 * Raised when a deadline passes: by {@link Asyncio#waitFor}, by an expired
 * {@link Timeout} scope ({@link Asyncio#timeout(double)}), by the iterator of
 * {@link Asyncio#asCompleted} and by {@link Asyncio#wait} callers that ask for it;
 * asyncio's {@code TimeoutError}.
 *
 * <p>It is a {@link CancelledError}: Java's {@code try}-with-resources cannot replace the
 * exception that leaves its block, so an expired scope delivers this error at the task's
 * suspension point instead of a plain cancellation. Code inside the scope therefore sees a
 * cancellation (a {@code catch (Exception e)} does not swallow it and cleanup written for
 * {@code CancelledError} runs), and code outside catches {@code TimeoutError}. A task
 * whose body ends with a {@code TimeoutError} has <em>failed</em> with it; it is not
 * reported as cancelled. Its {@linkplain #getCause() cause} is the cancellation of the
 * awaited operation when there was one.
 *
 * @since 0.1
 */
public class TimeoutError extends CancelledError {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates a timeout error with no message. */
    public TimeoutError() {
        super();
    }

    /**
     * Creates a timeout error.
     *
     * @param message what timed out, or {@code null}
     */
    public TimeoutError(String message) {
        super(message);
    }

    /**
     * Creates a timeout error caused by a cancellation.
     *
     * @param message what timed out, or {@code null}
     * @param cause the cancellation of the awaited operation, or {@code null}
     */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
