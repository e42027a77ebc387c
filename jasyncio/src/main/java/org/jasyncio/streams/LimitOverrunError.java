package org.jasyncio.streams;

import java.io.IOException;

/**
 * Thrown by {@link StreamReader#readUntil} (and {@link StreamReader#readline}) when the
 * separator was not found within the reader's limit; asyncio's
 * {@code asyncio.LimitOverrunError}. It extends {@link IOException}: it is a fault in the
 * data received, and the read methods' callers handle I/O failures already.
 *
 * <p>After {@code readUntil} the data stays in the reader's buffer, so it can be read
 * another way ({@link #consumed()} tells how much to read to move on). {@code readline}
 * discards it, as asyncio's does.
 *
 * @since 0.1
 */
public final class LimitOverrunError extends IOException {
    private static final long serialVersionUID = 1L;

    /** The number of bytes to consume to get past the overrun. */
    private final int consumed;

    /**
     * Makes the error.
     *
     * @param message what went wrong
     * @param consumed how many bytes are to be consumed to get past the overrun
     */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /**
     * Returns how many bytes are to be consumed; asyncio's {@code consumed}.
     *
     * @return the count
     */
    public int consumed() {
        return consumed;
    }
}
