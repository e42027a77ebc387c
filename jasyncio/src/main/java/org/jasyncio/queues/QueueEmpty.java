package org.jasyncio.queues;

import java.io.Serial;
import java.util.NoSuchElementException;

/**
 * Raised by {@link Queue#getNowait()} when the queue is empty and not shut down; asyncio's
 * {@code asyncio.QueueEmpty}.
 *
 * <p>It extends {@link NoSuchElementException}, which {@code java.util.Queue.remove()}
 * throws on an empty queue, so code written for the JDK's queues catches it too. Unchecked,
 * like every jasyncio exception.
 *
 * @since 0.1
 */
public class QueueEmpty extends NoSuchElementException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the queue's state, for the reader
     */
    public QueueEmpty(String message) {
        super(message);
    }
}
