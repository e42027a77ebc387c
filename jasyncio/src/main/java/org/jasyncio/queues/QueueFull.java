package org.jasyncio.queues;

import java.io.Serial;

/**
 * Raised by {@link Queue#putNowait(Object)} when the queue holds {@code maxsize} items;
 * asyncio's {@code asyncio.QueueFull}.
 *
 * <p>It extends {@link IllegalStateException}, which
 * {@code java.util.concurrent.BlockingQueue.add()} throws on a full queue, so code written
 * for the JDK's queues catches it too. Unchecked, like every jasyncio exception.
 *
 * @since 0.1
 */
public class QueueFull extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the queue's state, for the reader
     */
    public QueueFull(String message) {
        super(message);
    }
}
