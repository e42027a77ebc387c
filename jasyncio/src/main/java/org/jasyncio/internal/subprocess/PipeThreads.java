package org.jasyncio.internal.subprocess;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that move a child's bytes between its blocking {@link java.lang.Process}
 * streams and the loop. They are plain platform threads, never tasks: a blocking pipe read in a
 * loop-scheduled virtual thread would stop the whole loop, and one on the JDK's default scheduler
 * holds a carrier thread (the JDK compensates only up to 256 of them), which could starve the
 * writer that the child is waiting for.
 */
final class PipeThreads {
    /** Stack size hint: a pump needs a few frames and one 64 KiB heap buffer. */
    private static final long STACK_SIZE = 256 * 1024;
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private PipeThreads() {}

    /** Starts {@code body} on a new daemon platform thread named {@code name}. */
    static Thread start(String name, Runnable body) {
        RUNNING.incrementAndGet();
        try {
            return Thread.ofPlatform().daemon().name(name).stackSize(STACK_SIZE).start(() -> {
                try {
                    body.run();
                } finally {
                    RUNNING.decrementAndGet();
                }
            });
        } catch (Throwable t) {
            RUNNING.decrementAndGet();
            throw t;
        }
    }

    /** Pump threads running now, in this JVM (for leak tests). */
    static int running() {
        return RUNNING.get();
    }
}
