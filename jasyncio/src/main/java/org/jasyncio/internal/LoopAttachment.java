package org.jasyncio.internal;

/**
 * Something a loop carries for one of jasyncio's parts (its subprocess children, its async
 * generators): created on first use through an {@link AttachmentKey}, owned by the loop, told
 * when the loop shuts down and closes. The loop's own thread only.
 */
public interface LoopAttachment {
    /**
     * The runner is shutting the loop down (asyncio's {@code shutdown_asyncgens} step): runs in
     * a task of the loop, so it may await.
     */
    default void loopShuttingDown() {}

    /** The loop is closing: release what the attachment holds. It must not throw. */
    default void loopClosing() {}
}
