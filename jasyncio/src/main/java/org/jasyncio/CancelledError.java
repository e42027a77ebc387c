package org.jasyncio;

import java.io.Serial;

/**
 * Raised inside a task at its next suspension point after {@link Task#cancel()}, and by
 * {@link Future#result()}, {@link Future#exception()} and {@link Future#await()} on a
 * cancelled future; asyncio's {@code asyncio.CancelledError}.
 *
 * <p>It extends {@link Error}, not {@link Exception}, for the reason Python 3.8 moved
 * {@code CancelledError} under {@code BaseException}: a cancellation is not an ordinary
 * failure, and a {@code catch (Exception e)} written to log and carry on must not swallow
 * it. Catch it only to clean up, then rethrow it (or call {@link Task#uncancel()} when
 * deliberately suppressing it).
 *
 * @since 0.1
 */
public class CancelledError extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates a cancellation with no message. */
    public CancelledError() {
        super();
    }

    /**
     * Creates a cancellation carrying the message given to {@code cancel(msg)}.
     *
     * @param message the cancel message, or {@code null}
     */
    public CancelledError(String message) {
        super(message);
    }

    /**
     * Creates a cancellation with a message and the cancellation that caused it.
     *
     * @param message the cancel message, or {@code null}
     * @param cause the cancellation this one continues, or {@code null}
     */
    public CancelledError(String message, Throwable cause) {
        super(message, cause);
    }
}
