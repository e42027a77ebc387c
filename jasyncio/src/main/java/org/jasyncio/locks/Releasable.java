package org.jasyncio.locks;

/** A primitive whose acquisition a {@link Held} releases. */
sealed interface Releasable permits Lock, Semaphore {
    /** Releases one acquisition. */
    void release();
}
