package org.jasyncio.locks;

/**
 * One acquisition of a {@link Lock}, {@link Semaphore} or {@link Condition}, released by
 * {@link #close()}: the Java form of asyncio's {@code async with lock:}.
 *
 * <pre>{@code
 * try (var held = lock.acquire()) {
 *     // the lock is held here, released when the block exits, however it exits
 * }
 * }</pre>
 *
 * <p>{@code acquire()} returns a new {@code Held} for each acquisition. Closing it releases
 * the primitive once; closing it again does nothing, so a double close can never release an
 * acquisition that belongs to another task. Calling the primitive's {@code release()}
 * directly as well releases twice: use one or the other.
 *
 * <p>Loop-affine, like the primitive it releases.
 *
 * @since 0.1
 */
public final class Held implements AutoCloseable {
    private Releasable primitive;

    Held(Releasable primitive) {
        this.primitive = primitive;
    }

    /**
     * Releases the acquisition, unless this was done already. Never suspends.
     *
     * @throws IllegalStateException if called from another thread while the primitive's
     *         loop runs (the acquisition is then kept)
     */
    @Override
    public void close() {
        Releasable p = primitive;
        if (p != null) {
            p.release();
            primitive = null;
        }
    }

    /**
     * Tells whether {@link #close()} has released the acquisition.
     *
     * @return {@code true} once released through this object
     */
    public boolean released() {
        return primitive == null;
    }

    @Override
    public String toString() {
        Releasable p = primitive;
        return p == null ? "<Held released>" : "<Held " + p + ">";
    }
}
