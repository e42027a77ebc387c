package org.jasyncio.locks;

import java.util.ArrayDeque;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.LoopBinder;
import org.jasyncio.internal.Waits;

/**
 * A mutual-exclusion lock for tasks; asyncio's {@code asyncio.Lock}.
 *
 * <p>A lock is either locked or unlocked. {@link #acquire()} locks it, suspending the
 * calling task while another task holds it; {@link #release()} unlocks it and lets the
 * longest-waiting task have it. Like asyncio's lock it is not owned: any task (or a
 * callback of the loop) may release it. {@code async with lock:} is try-with-resources on
 * the {@link Held} that {@code acquire()} returns:
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * try (var held = lock.acquire()) {
 *     balance = balance + amount;   // no other task runs this block meanwhile
 * }
 * }</pre>
 *
 * <h2>Fairness</h2>
 * Waiters are served first-in first-out, and a task calling {@code acquire()} while others
 * wait queues behind them even if the lock happens to be free for a moment (Python 3.11's
 * rule: a released lock is handed to the first waiter, which takes it when it next runs).
 *
 * <h2>Cancellation</h2>
 * A task cancelled while waiting leaves the queue and does not get the lock. A task
 * cancelled just as the lock was handed to it does not keep it and does not swallow the
 * wake-up: the next waiter is woken instead (CPython's {@code test_locks}
 * {@code test_cancel_race}, {@code test_finished_waiter_cancelled}).
 *
 * <h2>Threads and loops</h2>
 * Loop-affine: the lock binds to the loop of the first task that calls {@code acquire()};
 * a call from a task of another loop, or from another thread while that loop runs, throws
 * {@link IllegalStateException}. It is not a replacement for
 * {@code java.util.concurrent.locks.ReentrantLock} between threads, and it is not reentrant.
 *
 * @since 0.1
 */
public final class Lock implements Releasable {
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private final LoopBinder binder = new LoopBinder(this);
    private boolean locked;

    /** Creates an unlocked lock. */
    public Lock() {}

    /**
     * Tells whether the lock is held; asyncio's {@code locked()}.
     *
     * @return {@code true} if some task holds the lock
     */
    public boolean locked() {
        return locked;
    }

    /**
     * Acquires the lock, suspending the calling task until it is free and every task that
     * waited before has had it; asyncio's {@code acquire()}. Returns at once, without
     * suspending, when the lock is free and nobody waits.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: if the task is cancelled while waiting, the lock is not acquired, the
     * task leaves the queue, and a wake-up meant for it passes to the next waiter.
     *
     * @return the acquisition; {@link Held#close() closing} it releases the lock
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public Held acquire() {
        EventLoop loop = binder.bind("Lock.acquire()");
        if (!locked && allCancelled()) {
            locked = true;
            return new Held(this);
        }
        Future<Void> fut = loop.createFuture();
        waiters.addLast(fut);
        try {
            try {
                Waits.await(fut);
            } finally {
                waiters.remove(fut);
            }
        } catch (Throwable t) {
            // Cancelled (or failed) while waiting, possibly right after release() woke us:
            // keep the invariant "a free lock with waiters has its first waiter woken".
            if (!locked) {
                wakeUpFirst();
            }
            throw t;
        }
        locked = true;
        return new Held(this);
    }

    /**
     * Acquires the lock if that is possible without waiting: it is free and no task waits
     * for it. Never suspends; the lock is released with {@link #release()}. Like
     * {@link java.util.concurrent.locks.Lock#tryLock()}; asyncio has no such method.
     *
     * @return {@code true} if the lock was acquired
     * @throws IllegalStateException if called from another thread while the lock's loop runs
     */
    public boolean tryAcquire() {
        binder.check("Lock.tryAcquire()");
        if (!locked && allCancelled()) {
            locked = true;
            return true;
        }
        return false;
    }

    /**
     * Releases the lock and wakes the first waiting task, if any; asyncio's
     * {@code release()}. Never suspends. Any task or loop callback may release the lock.
     *
     * @throws IllegalStateException if the lock is not locked, or if called from another
     *         thread while the lock's loop runs
     */
    @Override
    public void release() {
        binder.check("Lock.release()");
        if (!locked) {
            throw new IllegalStateException("Lock is not acquired: " + this);
        }
        locked = false;
        wakeUpFirst();
    }

    /**
     * Returns a snapshot of the lock's state.
     *
     * @return whether it is locked and how many tasks wait for it
     */
    public Statistics statistics() {
        return new Statistics(locked, waiters.size());
    }

    /**
     * The state of a {@link Lock} at one moment (Trio's {@code LockStatistics}).
     *
     * @param locked whether the lock is held
     * @param waiters how many tasks wait in {@link #acquire()}
     */
    public record Statistics(boolean locked, int waiters) {}

    private boolean allCancelled() {
        if (waiters.isEmpty()) {
            return true;
        }
        for (Future<Void> f : waiters) {
            if (!f.cancelled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Wakes the first waiter unless it is done already: a done first waiter will run, and
     * either take the lock or (cancelled) wake the next one.
     */
    private void wakeUpFirst() {
        Future<Void> f = waiters.peekFirst();
        if (f != null && !f.done()) {
            f.setResult(null);
        }
    }

    @Override
    public String toString() {
        return Repr.of(this, (locked ? "locked" : "unlocked") + Repr.waiters(waiters.size()));
    }
}
