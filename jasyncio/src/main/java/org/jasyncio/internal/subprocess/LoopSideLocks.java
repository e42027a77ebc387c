package org.jasyncio.internal.subprocess;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Taking a lock that a pipe thread shares, from the loop's side, without ever parking.
 *
 * <p>Loop-side code runs either on the loop thread itself (a callback) or on a task's virtual
 * thread, which the loop thread carries. If both queued on the same {@link ReentrantLock} while
 * a pipe thread held it, the lock's release could hand it to the task first: the task needs the
 * loop thread to run, and the loop thread waits, parked, behind the task. That deadlock was
 * seen (the loop parked in a pipe's {@code deliver} while a task waited in its
 * {@code resumeReading}). So the loop's side never queues: it retries {@code tryLock}, spinning
 * briefly and then yielding (a task's virtual thread yields to the loop, which keeps running).
 * The pipe threads hold their locks for a few field updates only, never across I/O.
 */
final class LoopSideLocks {
    private static final int SPINS = 100;

    private LoopSideLocks() {}

    /** Acquires {@code lock} without queueing on it; any thread. */
    static void acquire(ReentrantLock lock) {
        int spins = 0;
        while (!lock.tryLock()) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                spins = 0;
                Thread.yield();
            }
        }
    }
}
