package org.jasyncio;

/**
 * Receives the errors an event loop cannot raise to anyone: exceptions thrown by
 * callbacks, task exceptions never retrieved, tasks destroyed while pending; asyncio's
 * exception handler, installed with {@link EventLoop#setExceptionHandler}.
 *
 * <p>Called on the loop thread. An exception thrown by the handler is logged and
 * otherwise ignored.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ExceptionHandler {
    /**
     * Handles an error.
     *
     * @param loop the loop that caught it
     * @param context what happened
     */
    void handle(EventLoop loop, ExceptionContext context);
}
