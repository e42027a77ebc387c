package org.jasyncio;

/**
 * The I/O mechanism a loop waits in between iterations: asyncio's selector, Netty 4.2's
 * {@code IoHandler}. The loop's scheduler asks it for the time, waits in it, and has it queue
 * the handlers of the I/O events it found; other threads only ever call {@link #wakeup()}.
 *
 * <p>{@link NioPoller} is the production one (a {@code java.nio} {@code Selector});
 * {@link VirtualTimePoller} wraps it with a clock that jumps to the next timer whenever nothing
 * is ready, for tests.
 */
abstract sealed class Poller permits NioPoller, VirtualTimePoller {
    /** The loop's clock, in nanoseconds from an arbitrary origin. */
    abstract long nanoTime();

    /**
     * Waits for I/O at most {@code timeoutNanos} (0: do not wait; negative: until woken),
     * collecting the ready channels; returns early when {@link #wakeup()} is called or
     * {@code inbox} is not empty. Loop thread only.
     */
    abstract void poll(long timeoutNanos, Inbox inbox);

    /** Queues the handlers of the events the last poll found on the loop's ready queue. */
    abstract void queueEvents();

    /**
     * Ends the current or the next {@link #poll} early; thread-safe and never lost: a wake-up
     * that comes before the loop starts waiting makes that wait return at once.
     */
    abstract void wakeup();

    /** Releases the mechanism; called once, when the loop closes. */
    abstract void close();

    /** The NIO poller underneath (registration of channels). */
    abstract NioPoller nio();
}
