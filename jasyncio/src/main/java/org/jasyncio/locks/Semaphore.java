package org.jasyncio.locks;

import java.util.ArrayDeque;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.LoopBinder;
import org.jasyncio.internal.Waits;

/**
 * A counter of permits for tasks; asyncio's {@code asyncio.Semaphore}.
 *
 * <p>{@link #acquire()} takes a permit, suspending the calling task while none is left;
 * {@link #release()} gives one back and lets the longest-waiting task have it. Use it to
 * bound concurrency, for example at most ten requests in flight:
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(10);
 * try (var held = slots.acquire()) {
 *     fetch(url);
 * }
 * }</pre>
 *
 * <p>{@code release()} may be called more often than {@code acquire()}, which raises the
 * count above its initial value; {@link BoundedSemaphore} forbids that.
 *
 * <h2>Fairness</h2>
 * Waiters are served first-in first-out, and a task calling {@code acquire()} while others
 * wait queues behind them even if a permit happens to be free (Python 3.13's rule; see
 * {@link #locked()}).
 *
 * <h2>Cancellation</h2>
 * A task cancelled while waiting leaves the queue without a permit. A task cancelled just as
 * a permit was handed to it gives the permit back, and the next waiter is woken
 * (CPython's {@code test_locks} {@code test_acquire_cancel_before_awoken},
 * {@code test_acquire_hang}).
 *
 * <h2>Threads and loops</h2>
 * Loop-affine: the semaphore binds to the loop of the first task that calls
 * {@code acquire()}; a call from a task of another loop, or from another thread while that
 * loop runs, throws {@link IllegalStateException}.
 *
 * @since 0.1
 */
public sealed class Semaphore implements Releasable permits BoundedSemaphore {
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private final LoopBinder binder = new LoopBinder(this);
    /** Free permits, not counting those handed to woken waiters that have not run yet. */
    int value;

    /** Creates a semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /**
     * Creates a semaphore with {@code value} permits; asyncio's {@code Semaphore(value)}.
     *
     * @param value the initial number of permits, at least 0
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
        }
        this.value = value;
    }

    /**
     * Tells whether {@link #acquire()} would suspend; asyncio's {@code locked()}: no permit
     * is free, or tasks are waiting (which get the free permits first).
     *
     * @return {@code true} if an acquire cannot succeed at once
     */
    public boolean locked() {
        if (value == 0) {
            return true;
        }
        for (Future<Void> f : waiters) {
            if (!f.cancelled()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the number of free permits.
     *
     * @return the count, at least 0
     */
    public int value() {
        return value;
    }

    /**
     * Takes a permit, suspending the calling task until one is free and every task that
     * waited before has had one; asyncio's {@code acquire()}. Returns at once, without
     * suspending, when {@link #locked()} is {@code false}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: if the task is cancelled while waiting it gets no permit, and a permit
     * already handed to it goes to the next waiter.
     *
     * @return the acquisition; {@link Held#close() closing} it releases the permit
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public Held acquire() {
        EventLoop loop = binder.bind("Semaphore.acquire()");
        if (!locked()) {
            value--;
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
            if (fut.done() && !fut.cancelled()) {
                // A permit was handed to us (release() counted it) but we do not take it.
                value++;
            }
            throw t;
        } finally {
            // Waiters that arrived while permits were free had to queue behind us (FIFO):
            // wake as many as there are free permits.
            while (value > 0 && wakeUpNext()) {
                // keep waking
            }
        }
        return new Held(this);
    }

    /**
     * Takes a permit if that is possible without waiting ({@link #locked()} is
     * {@code false}). Never suspends; give the permit back with {@link #release()}. Like
     * {@link java.util.concurrent.Semaphore#tryAcquire()}; asyncio has no such method.
     *
     * @return {@code true} if a permit was taken
     * @throws IllegalStateException if called from another thread while the semaphore's loop runs
     */
    public boolean tryAcquire() {
        binder.check("Semaphore.tryAcquire()");
        if (!locked()) {
            value--;
            return true;
        }
        return false;
    }

    /**
     * Gives a permit back and wakes the first waiting task, if any; asyncio's
     * {@code release()}. Never suspends.
     *
     * @throws IllegalStateException if called from another thread while the semaphore's loop
     *         runs; for a {@link BoundedSemaphore}, also if the release would raise the count
     *         above its initial value
     */
    @Override
    public void release() {
        binder.check("Semaphore.release()");
        value++;
        wakeUpNext();
    }

    /**
     * Returns a snapshot of the semaphore's state.
     *
     * @return the free permits and the number of waiting tasks
     */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /**
     * The state of a {@link Semaphore} at one moment (Trio's {@code SemaphoreStatistics}).
     *
     * @param value free permits, not counting those handed to woken tasks that have not run yet
     * @param waiters how many tasks wait in {@link #acquire()}
     */
    public record Statistics(int value, int waiters) {}

    /** Hands a permit to the first waiter that is not done; asyncio's {@code _wake_up_next}. */
    private boolean wakeUpNext() {
        for (Future<Void> f : waiters) {
            if (!f.done()) {
                value--;
                f.setResult(null);
                return true;
            }
        }
        return false;
    }

    void checkThread(String what) {
        binder.check(what);
    }

    @Override
    public String toString() {
        return Repr.of(this, (locked() ? "locked" : "unlocked, value:" + value) + Repr.waiters(waiters.size()));
    }
}
