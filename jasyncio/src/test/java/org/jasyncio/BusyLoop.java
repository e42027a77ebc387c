package org.jasyncio;

/**
 * Test support for ported CPython tests that block the loop with {@code time.sleep(d)} to "pretend
 * the loop is busy": on a virtual-time loop ({@link TestLoops#virtualTimeLoop()}) the clock is moved
 * forward by {@code d} while nothing else runs, so every timer due in that span fires together on the
 * next iteration, as after a real blocking call, and without a real sleep.
 */
public final class BusyLoop {
    private BusyLoop() {}

    /**
     * Moves the running virtual-time loop's clock forward, as if the current callback or task step
     * had blocked the loop for {@code seconds}.
     *
     * @param seconds how long the loop "was busy"
     * @throws IllegalStateException if no loop runs on this thread
     * @throws IllegalArgumentException if the running loop's clock is not virtual
     */
    public static void block(double seconds) {
        VirtualClock.of(Asyncio.getRunningLoop()).advance(seconds);
    }
}
