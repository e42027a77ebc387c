package org.jasyncio.locks;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.LoopBinder;
import org.jasyncio.internal.Waits;

/**
 * A condition variable for tasks; asyncio's {@code asyncio.Condition}.
 *
 * <p>Tasks holding the condition's lock wait with {@link #await()} (which releases the
 * lock while waiting and takes it back before returning) until another task holding the
 * lock calls {@link #signal()} or {@link #signalAll()}. {@link #awaitFor} waits until a
 * predicate holds.
 *
 * <pre>{@code
 * Condition ready = new Condition();
 * // consumer
 * try (var held = ready.acquire()) {
 *     ready.awaitFor(() -> !items.isEmpty());
 *     process(items.removeFirst());
 * }
 * // producer
 * try (var held = ready.acquire()) {
 *     items.add(x);
 *     ready.signal();
 * }
 * }</pre>
 *
 * <h2>Names</h2>
 * {@code wait()}, {@code notify()} and {@code notifyAll()} are final methods of
 * {@link Object}, so asyncio's {@code wait}, {@code wait_for}, {@code notify(n)} and
 * {@code notify_all} are {@code await}, {@code awaitFor}, {@code signal(n)} and
 * {@code signalAll} here, as in {@link java.util.concurrent.locks.Condition}.
 *
 * <h2>The lock</h2>
 * A condition owns a new {@link Lock}, or shares one given to the constructor (several
 * conditions over one lock, as {@code asyncio.Condition(lock)}). {@link #acquire()},
 * {@link #release()} and {@link #locked()} are the lock's.
 *
 * <h2>Fairness and cancellation</h2>
 * Waiters are woken first-in first-out. {@code await()} takes the lock back before it
 * returns or throws, even when the task is cancelled; a task cancelled just as it was
 * signalled passes the signal on to another waiter, so no wake-up is lost (CPython's
 * {@code test_cancelled_wakeup}, {@code test_cancelled_wakeup_relock}).
 *
 * <h2>Threads and loops</h2>
 * Loop-affine: the condition binds to the loop of the first task that waits on it; a call
 * from a task of another loop, or from another thread while that loop runs, throws
 * {@link IllegalStateException}.
 *
 * @since 0.1
 */
public final class Condition {
    private final Lock lock;
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private final LoopBinder binder = new LoopBinder(this);

    /** Creates a condition with a lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /**
     * Creates a condition over {@code lock}, which other conditions may share; asyncio's
     * {@code Condition(lock)}.
     *
     * @param lock the lock; not {@code null}
     * @throws NullPointerException if {@code lock} is {@code null}
     */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /**
     * Returns the lock the condition uses.
     *
     * @return the lock
     */
    public Lock lock() {
        return lock;
    }

    /**
     * Acquires the underlying lock; see {@link Lock#acquire()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe, as {@link Lock#acquire()}.
     *
     * @return the acquisition; closing it releases the lock
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public Held acquire() {
        return lock.acquire();
    }

    /**
     * Acquires the underlying lock if that is possible without waiting; see
     * {@link Lock#tryAcquire()}.
     *
     * @return {@code true} if the lock was acquired
     * @throws IllegalStateException if called from another thread while the lock's loop runs
     */
    public boolean tryAcquire() {
        return lock.tryAcquire();
    }

    /**
     * Releases the underlying lock; see {@link Lock#release()}.
     *
     * @throws IllegalStateException if the lock is not locked, or if called from another
     *         thread while the lock's loop runs
     */
    public void release() {
        lock.release();
    }

    /**
     * Tells whether the underlying lock is held.
     *
     * @return {@code true} if locked
     */
    public boolean locked() {
        return lock.locked();
    }

    /**
     * Releases the lock, waits until signalled, and takes the lock back; asyncio's
     * {@code Condition.wait()}. The caller must hold the lock.
     *
     * <h4>Cancellation</h4>
     * The lock is held again when this method returns or throws, even if the task is
     * cancelled while waiting or while taking the lock back (a cancellation during the
     * re-acquisition is remembered and thrown once the lock is held). If the task is
     * cancelled after a signal chose it, the signal is passed to another waiter.
     *
     * @return {@code true}, as asyncio
     * @throws CancelledError if the calling task is cancelled (the lock is held again)
     * @throws IllegalStateException if the lock is not held, if called outside a task, or
     *         from a task of another loop
     */
    public boolean await() {
        EventLoop loop = binder.bind("Condition.await()");
        if (!lock.locked()) {
            throw new IllegalStateException("cannot wait on un-acquired lock: " + this);
        }
        lock.release();
        try {
            try {
                Future<Void> fut = loop.createFuture();
                waiters.addLast(fut);
                try {
                    Waits.await(fut);
                    return true;
                } finally {
                    waiters.remove(fut);
                }
            } finally {
                reacquire();
            }
        } catch (Throwable t) {
            // Whatever is thrown may have come after this task was signalled: pass the
            // signal on (a spurious wake-up for someone is allowed; a lost one is not).
            signal0(1);
            throw t;
        }
    }

    /** Takes the lock back even if cancelled meanwhile; rethrows the last cancellation. */
    private void reacquire() {
        Throwable cancelled = null;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (Throwable t) {
                if (!Waits.isCancellation(t)) {
                    throw t;
                }
                cancelled = t;
            }
        }
        if (cancelled != null) {
            throw (Error) cancelled;
        }
    }

    /**
     * Waits until {@code predicate} is true; asyncio's {@code Condition.wait_for()}. The
     * predicate is tested with the lock held: first at once (if it holds, this returns
     * without suspending and without needing the lock), then after each wake-up.
     *
     * <h4>Cancellation</h4>
     * As {@link #await()}: the lock is held again when this throws.
     *
     * @param predicate the condition to wait for; not {@code null}
     * @return {@code true}: the predicate's final value
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if the predicate is false and the lock is not held, if
     *         called outside a task, or from a task of another loop
     * @throws NullPointerException if {@code predicate} is {@code null}
     */
    public boolean awaitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
        return true;
    }

    /**
     * Wakes one waiting task, if any; asyncio's {@code notify()}. The caller must hold the
     * lock; the woken task returns from {@code await()} once it gets the lock back. Never
     * suspends.
     *
     * @throws IllegalStateException if the lock is not held, or if called from another
     *         thread while the condition's loop runs
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting tasks, first-come first-served; asyncio's
     * {@code notify(n)}. Never suspends.
     *
     * @param n how many to wake; 0 or less wakes none
     * @throws IllegalStateException if the lock is not held, or if called from another
     *         thread while the condition's loop runs
     */
    public void signal(int n) {
        binder.check("Condition.signal()");
        if (!lock.locked()) {
            throw new IllegalStateException("cannot notify on un-acquired lock: " + this);
        }
        signal0(n);
    }

    /**
     * Wakes every waiting task; asyncio's {@code notify_all()}. Never suspends.
     *
     * @throws IllegalStateException if the lock is not held, or if called from another
     *         thread while the condition's loop runs
     */
    public void signalAll() {
        signal(waiters.size());
    }

    private void signal0(int n) {
        int woken = 0;
        for (Future<Void> f : waiters) {
            if (woken >= n) {
                break;
            }
            if (!f.done()) {
                woken++;
                f.setResult(null);
            }
        }
    }

    /**
     * Returns a snapshot of the condition's state.
     *
     * @return whether the lock is held, how many tasks wait on the condition, and how many
     *         wait for the lock
     */
    public Statistics statistics() {
        return new Statistics(lock.locked(), waiters.size(), lock.statistics().waiters());
    }

    /**
     * The state of a {@link Condition} at one moment.
     *
     * @param locked whether the underlying lock is held
     * @param waiters how many tasks wait in {@link #await()} for a signal
     * @param lockWaiters how many tasks wait to acquire the underlying lock
     */
    public record Statistics(boolean locked, int waiters, int lockWaiters) {}

    @Override
    public String toString() {
        return Repr.of(this, (lock.locked() ? "locked" : "unlocked") + Repr.waiters(waiters.size()));
    }
}
