package org.jasyncio;

/**
 * When {@link Asyncio#wait} returns; asyncio's {@code FIRST_COMPLETED},
 * {@code FIRST_EXCEPTION} and {@code ALL_COMPLETED}.
 *
 * @since 0.1
 */
public enum ReturnWhen {
    /** As soon as any awaitable is done (or cancelled). */
    FIRST_COMPLETED,
    /** As soon as any awaitable fails with an exception; else when all are done. */
    FIRST_EXCEPTION,
    /** When every awaitable is done. */
    ALL_COMPLETED
}
