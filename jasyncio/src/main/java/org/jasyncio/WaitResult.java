package org.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: the futures that are done and those still pending;
 * asyncio's {@code (done, pending)} tuple. Both sets keep the order the futures were given.
 *
 * @param <T> the futures' result type
 * @param done the futures that are done
 * @param pending the futures not done yet (still running: {@code wait} cancels nothing)
 * @since 0.1
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {
    /**
     * Freezes the sets.
     *
     * @throws NullPointerException if a set is {@code null}
     */
    public WaitResult {
        done = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(done));
        pending = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(pending));
    }
}
