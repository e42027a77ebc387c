package org.jasyncio.queues;

import java.io.Serial;

/**
 * Raised by every put method of a {@link Queue} once it is {@linkplain Queue#shutdown(boolean)
 * shut down}, by its get methods once it is shut down and empty (at once after an immediate
 * shutdown), and thrown into the tasks blocked in them when the shutdown happens; asyncio's
 * {@code asyncio.QueueShutDown} (Python 3.13).
 *
 * <p>It extends {@link IllegalStateException}: the queue no longer accepts the call.
 * Unchecked, like every jasyncio exception.
 *
 * @since 0.1
 */
public class QueueShutDown extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the queue's state, for the reader
     */
    public QueueShutDown(String message) {
        super(message);
    }
}
