package org.jasyncio;

import java.io.Serial;

/**
 * Raised by {@link Future#setResult}, {@link Future#setException} on a future that is
 * already done, and by {@link Future#result()} and {@link Future#exception()} on one
 * that is not done yet; asyncio's {@code asyncio.InvalidStateError}.
 *
 * @since 0.1
 */
public class InvalidStateError extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message the future's state, for example {@code "invalid state: FINISHED"}
     */
    public InvalidStateError(String message) {
        super(message);
    }
}
