/**
 * Synchronization primitives for tasks of one event loop; asyncio's {@code asyncio.locks}.
 * They are not thread-safe: they order tasks of a single loop, which never run at the same time.
 * asyncio's {@code wait()} methods are called {@code await()} here, as in
 * {@code java.util.concurrent}, because {@code wait()} is final on {@link java.lang.Object}.
 *
 * <p>{@link org.jasyncio.locks.Event}: a flag tasks wait for.
 */
package org.jasyncio.locks;
